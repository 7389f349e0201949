package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class MalformedToolArgumentsTests extends RunnerTest {

  @Test
  void malformedArgumentsGoBackToTheModelAsAnErrorAndNothingRuns() throws Exception {
    Models m = models();
    String broken = "{\"path\": \"notes.txt\", content: 'unquoted";
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", broken),
            Reply.toolCall("write_file", "{\"path\":\"notes.txt\",\"content\":\"fixed\"}"),
            Reply.text("notes.txt written"),
            Reply.text("summary")));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES notes.txt was written")));
    var task = task("Take notes", plan("Write notes.txt", "notes.txt exists"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    var calls = REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class);
    assertThat(calls.getFirst().arguments()).isEqualTo(broken);
    assertThat(calls.getFirst().error()).isTrue();
    assertThat(calls.getFirst().result())
        .startsWith("Invalid arguments for write_file: not valid JSON")
        .contains("Nothing was run");
    assertThat(calls.get(1).error()).isFalse();
    var secondRound = MODELS.requests(m.executor()).get(1);
    assertThat(secondRound.transcript())
        .contains("Invalid arguments for write_file")
        .contains(broken);
    assertThat(Files.readString(workspace(task).resolve("notes.txt"))).isEqualTo("fixed");
  }

  @Test
  void argumentsThatAreNotAnObjectAreAnErrorToo() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(Reply.toolCall("read_file", "[\"notes.txt\"]"), Reply.text("done")));
    MODELS.script(m.verifier(), Script.always(Reply.text("NO nothing was read")));
    var task = task("Read", plan("Read notes.txt", "its content was read"), options(m));

    dispatch(task);

    REPORTS.awaitEnd(task.taskId());
    assertThat(REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class).getFirst().result())
        .startsWith("Invalid arguments for read_file: not a JSON object");
  }
}

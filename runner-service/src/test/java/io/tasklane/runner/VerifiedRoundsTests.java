package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class VerifiedRoundsTests extends RunnerTest {

  @Test
  void aGoodModelGoesFromPlanThroughVerifiedStepsToSucceeded() throws Exception {
    Models m = models();
    MODELS.script(
        m.planner(),
        Script.of(
            Reply.text(
                """
                <think>two files</think>
                ```json
                {"steps":[
                  {"description":"Write hello.txt","doneWhen":"hello.txt contains hello"},
                  {"description":"Write bye.txt","doneWhen":"bye.txt contains bye"}]}
                ```""")));
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"hello.txt\",\"content\":\"hello\"}"),
            Reply.text("I wrote hello.txt."),
            Reply.toolCall("write_file", "{\"path\":\"bye.txt\",\"content\":\"bye\"}"),
            Reply.text("I wrote bye.txt."),
            Reply.text("Both files are written.")));
    MODELS.script(
        m.verifier(),
        Script.of(
            Reply.text("YES: hello.txt was written with hello."),
            Reply.text("YES - bye.txt holds bye.")));
    var task = task("Write two greeting files", java.util.List.of(), options(m));

    dispatch(task);

    var end = REPORTS.awaitEnd(task.taskId());
    assertThat(end)
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            finished -> {
              assertThat(finished.outcome()).isEqualTo(TaskStatus.SUCCEEDED);
              assertThat(finished.summary()).isEqualTo("Both files are written.");
              assertThat(finished.runnerId()).isEqualTo("runner-under-test");
            });
    assertThat(REPORTS.of(task.taskId(), RunnerReport.PlanProposed.class))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.plan())
                    .extracting(s -> s.doneWhen())
                    .containsExactly("hello.txt contains hello", "bye.txt contains bye"));
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepVerdict.class))
        .extracting(RunnerReport.StepVerdict::stepIndex, RunnerReport.StepVerdict::passed)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, true),
            org.assertj.core.groups.Tuple.tuple(1, true));
    assertThat(REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class))
        .extracting(RunnerReport.ToolCalled::tool, RunnerReport.ToolCalled::error)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("write_file", false),
            org.assertj.core.groups.Tuple.tuple("write_file", false));
    assertThat(REPORTS.of(task.taskId())).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(1));
    assertThat(Files.readString(workspace(task).resolve("hello.txt"))).isEqualTo("hello");
    RecordedRequest firstVerification = MODELS.requests(m.verifier()).getFirst();
    assertThat(firstVerification.format()).isEqualTo(RecordedRequest.WireFormat.OLLAMA);
    assertThat(firstVerification.transcript())
        .contains("hello.txt contains hello", "write_file", "Wrote 5 bytes to hello.txt")
        .doesNotContain("I wrote hello.txt.");
  }

  @Test
  void aFalseDoneClaimNeverAdvancesAStep() {
    Models m = models();
    MODELS.script(
        m.executor(), Script.always(Reply.text("Done! I created report.md with the numbers.")));
    MODELS.script(m.verifier(), Script.always(Reply.text("NO: no tool call wrote report.md.")));
    var task =
        task(
            "Write the report",
            plan("Write report.md", "report.md exists and lists the numbers"),
            options(m));

    dispatch(task);

    var end = REPORTS.awaitEnd(task.taskId());
    assertThat(end)
        .isInstanceOfSatisfying(
            RunnerReport.NeedsAssistance.class,
            help ->
                assertThat(help.reason())
                    .contains("Step 1 was not verified after 3 attempts")
                    .contains("no tool call of this attempt succeeded"));
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepVerdict.class))
        .hasSize(3)
        .allSatisfy(v -> assertThat(v.passed()).isFalse());
    assertThat(REPORTS.of(task.taskId(), RunnerReport.Finished.class)).isEmpty();
    // an attempt without a successful call is NO before any model is asked
    assertThat(MODELS.requests(m.verifier())).isEmpty();
    assertThat(MODELS.requests(m.executor()).get(1).transcript())
        .contains("no tool call of this attempt succeeded");
  }

  @Test
  void anAnswerThatIsNeitherYesNorNoCountsAsNo() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\"}"),
            Reply.text("done"),
            Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\"}"),
            Reply.text("done"),
            Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\"}"),
            Reply.text("done")));
    MODELS.script(
        m.verifier(),
        Script.of(Reply.text("Looks great to me!"), Reply.empty(), Reply.text("Probably yes")));
    var task = task("Write a", plan("Write a.txt", "a.txt contains a"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId())).isInstanceOf(RunnerReport.NeedsAssistance.class);
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepVerdict.class))
        .extracting(RunnerReport.StepVerdict::reason)
        .containsExactly(
            "The verifier's answer was neither YES nor NO: Looks great to me!",
            "The verifier gave no answer.",
            "The verifier's answer was neither YES nor NO: Probably yes");
  }

  @Test
  void anInvalidPlanIsRetriedOnceWithTheErrorThenNeedsAssistance() {
    Models m = models();
    MODELS.script(
        m.planner(),
        Script.of(
            Reply.text("I will just do it."),
            Reply.text("{\"steps\":[{\"description\":\"do it\"}]}")));
    var task = task("Do something vague", java.util.List.of(), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.NeedsAssistance.class,
            help ->
                assertThat(help.reason())
                    .isEqualTo(
                        "The planner did not produce a valid plan: step 1 has no doneWhen check"));
    assertThat(MODELS.requests(m.planner())).hasSize(2);
    assertThat(MODELS.requests(m.planner()).get(1).last("user"))
        .contains("the answer contains no JSON object");
    assertThat(REPORTS.of(task.taskId(), RunnerReport.PlanProposed.class)).isEmpty();
  }
}

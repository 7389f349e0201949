package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressReportTests extends RunnerTest {

  @Test
  void everyVerifiedStepIsReportedAsProgressAfterItsVerdict() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\"}"),
            Reply.text("a.txt is written."),
            Reply.toolCall("write_file", "{\"path\":\"b.txt\",\"content\":\"b\"}"),
            Reply.text("b.txt is written."),
            Reply.text("Both written.")));
    MODELS.script(m.verifier(), Script.of(Reply.text("YES"), Reply.text("YES")));
    var task =
        task(
            "Write two files",
            plan("Write a.txt", "a.txt exists", "Write b.txt", "b.txt exists"),
            options(m));

    dispatch(task);
    REPORTS.awaitEnd(task.taskId());

    assertThat(REPORTS.of(task.taskId(), RunnerReport.Progress.class))
        .extracting(RunnerReport.Progress::summary)
        .containsExactly("Step 1 of 2 verified: Write a.txt", "Step 2 of 2 verified: Write b.txt");
    List<RunnerReport> reports = REPORTS.of(task.taskId());
    assertThat(reports)
        .filteredOn(
            r -> r instanceof RunnerReport.StepVerdict || r instanceof RunnerReport.Progress)
        .extracting(r -> r.getClass().getSimpleName())
        .containsExactly("StepVerdict", "Progress", "StepVerdict", "Progress");
  }
}

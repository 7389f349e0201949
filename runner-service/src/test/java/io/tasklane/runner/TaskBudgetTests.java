package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.Budget;
import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.Usage;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A task's own budget, checked by the runner before every model and tool call. */
class TaskBudgetTests extends RunnerTest {

  @Test
  void aBudgetThatRunsOutBeforeTheVerifierIsAskedLeavesTheStepWithoutAVerdict() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\"}"),
            Reply.text("a.txt is written.")));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    var task =
        task("Write a.txt", plan("Write a.txt", "a.txt exists"), withBudget(m, 2, null, null));

    dispatch(task);

    var end = REPORTS.awaitEnd(task.taskId());
    assertThat(end)
        .isInstanceOfSatisfying(
            RunnerReport.NeedsAssistance.class,
            help -> {
              assertThat(help.reason()).isEqualTo("budget_exhausted:model_calls");
              assertThat(help.resumeContext().usage().modelCalls()).isEqualTo(2);
              assertThat(help.resumeContext().usage().toolCalls()).isEqualTo(1);
              assertThat(help.resumeContext().usage().tokens()).isPositive();
              assertThat(help.resumeContext().evidence())
                  .as("the step's evidence is kept for the next attempt")
                  .anySatisfy(call -> assertThat(call.tool()).isEqualTo("write_file"));
            });
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepVerdict.class)).isEmpty();
    assertThat(MODELS.requests(m.verifier())).isEmpty();
  }

  @Test
  void aResumedAttemptCountsOnFromWhatEarlierAttemptsSpent() {
    Models m = models();
    MODELS.script(m.executor(), Script.always(Reply.text("Working on it.")));
    var resume = new ResumeContext(0, List.of(), List.of(), new Usage(5000, 1, 0, 0), null);
    var task =
        task(
            UUID.randomUUID(),
            2,
            "Write a.txt",
            plan("Write a.txt", "a.txt exists"),
            0,
            resume,
            withBudget(m, null, 5000L, null));

    dispatch(task);

    var end = REPORTS.awaitEnd(task.taskId(), 2);
    assertThat(end)
        .isInstanceOfSatisfying(
            RunnerReport.NeedsAssistance.class,
            help -> {
              assertThat(help.reason()).isEqualTo("budget_exhausted:tokens");
              assertThat(help.resumeContext().usage().tokens()).isEqualTo(5000);
              assertThat(help.resumeContext().usage().modelCalls()).isEqualTo(1);
            });
    assertThat(MODELS.requests(m.executor())).as("no model call was made").isEmpty();
  }

  private static ModelOptions withBudget(
      Models m, Integer modelCalls, Long tokens, Integer toolCalls) {
    return new ModelOptions(
        m.executor(),
        m.planner(),
        m.verifier(),
        null,
        null,
        null,
        null,
        new Budget(tokens, modelCalls, toolCalls, null));
  }
}

package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.cli.TasklaneSuite.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The commands that change a task: their effect is what the API shows afterwards. */
class TaskActionTests {

  static final String KEY = TasklaneSuite.keyOf("actions");
  static TasklaneSuite suite;

  @BeforeAll
  static void start() {
    suite = TasklaneSuite.get();
  }

  @Test
  void cancelByRunIdCancelsThatTask() {
    JsonNode task = task("cancel-me", "chat-cancel");

    Run run = suite.cli(KEY, "tasks", "cancel", "run-cancel-me");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("Cancelled task " + id(task) + " (cancel-me).\n");
    JsonNode after = suite.task(KEY, id(task));
    assertThat(after.get("status").asString()).isEqualTo("cancelled");
    assertThat(after.get("endedAt")).isNotNull();
  }

  @Test
  void retryRunsEveryNamedTaskAgainAsTheNextAttempt() {
    JsonNode first = task("retry-one", "chat-retry-1");
    JsonNode second = task("retry-two", "chat-retry-2");
    suite.cli(KEY, "tasks", "cancel", id(first));
    suite.cli(KEY, "tasks", "cancel", id(second));

    Run run = suite.cli(KEY, "tasks", "retry", id(first), "chat-retry-2");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.lines())
        .containsExactly(
            "Retrying task " + id(first) + " (retry-one): queued as attempt 2.",
            "Retrying task " + id(second) + " (retry-two): queued as attempt 2.");
    for (JsonNode task : new JsonNode[] {first, second}) {
      JsonNode after = suite.task(KEY, id(task));
      assertThat(after.get("status").asString()).isEqualTo("queued");
      assertThat(after.get("attempt").asInt()).isEqualTo(2);
    }
  }

  @Test
  void retryGoesOnPastATaskThatCannotBeRetriedAndExitsNonZero() {
    JsonNode cancelled = task("retry-ok", "chat-retry-ok");
    JsonNode queued = task("retry-queued", "chat-retry-queued");
    suite.cli(KEY, "tasks", "cancel", id(cancelled));

    Run run = suite.cli(KEY, "tasks", "retry", id(queued), id(cancelled));

    assertThat(run.status()).isEqualTo(ExitCodes.REQUEST_FAILED);
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .startsWith("tasklane: " + id(queued) + ": Invalid transition: ");
    assertThat(run.out()).contains("Retrying task " + id(cancelled));
    assertThat(suite.task(KEY, id(cancelled)).get("attempt").asInt()).isEqualTo(2);
    assertThat(suite.task(KEY, id(queued)).get("attempt").asInt()).isEqualTo(1);
  }

  @Test
  void notifyChangesTheTasksNotifyPolicy() {
    JsonNode task = task("notify-me", "chat-notify");
    assertThat(task.get("notifyPolicy").asString()).isEqualTo("done_only");

    Run run = suite.cli(KEY, "tasks", "notify", "chat-notify", "state_changes");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo("Notify policy of task " + id(task) + " (notify-me) is now state_changes.\n");
    assertThat(suite.task(KEY, id(task)).get("notifyPolicy").asString()).isEqualTo("state_changes");

    Run wrong = suite.cli(KEY, "tasks", "notify", "chat-notify", "loud");
    assertThat(wrong.status()).isEqualTo(ExitCodes.USAGE);
    assertThat(wrong.err()).contains("'loud' is not one of done_only, state_changes, silent");
  }

  @Test
  void pauseHoldsAQueuedTaskAndResumeQueuesItAgainWithTheOperatorsMessage() {
    JsonNode task = task("pause-me", "chat-pause");

    Run pause = suite.cli(KEY, "tasks", "pause", id(task));

    assertThat(pause.status()).as(pause.err()).isZero();
    assertThat(pause.out()).isEqualTo("Paused task " + id(task) + " (pause-me).\n");
    assertThat(suite.task(KEY, id(task)).get("status").asString()).isEqualTo("paused");

    Run resume =
        suite.cli(KEY, "tasks", "resume", id(task), "--message", "Use the staging URL instead");

    assertThat(resume.status()).as(resume.err()).isZero();
    assertThat(resume.out()).isEqualTo("Resumed task " + id(task) + " (pause-me): queued.\n");
    assertThat(suite.task(KEY, id(task)).get("status").asString()).isEqualTo("queued");
    JsonNode journal = suite.call(KEY, "GET", "/api/v1/tasks/" + id(task) + "/journal", null, 200);
    assertThat(journal.get("items").toString()).contains("Use the staging URL instead");
  }

  @Test
  void actionsPrintTheTaskAsJsonWhenAsked() {
    JsonNode task = task("json-cancel", "chat-json-cancel");

    Run run = suite.cli(KEY, "tasks", "cancel", id(task), "--json");

    assertThat(run.status()).isZero();
    assertThat(run.json().get("taskId").asString()).isEqualTo(id(task));
    assertThat(run.json().get("status").asString()).isEqualTo("cancelled");
  }

  private static JsonNode task(String label, String session) {
    return suite.createTask(
        KEY,
        """
        {"goal":"Do %s","label":"%s","runtime":"subagent","executor":"external",
         "runId":"run-%s","requesterSessionKey":"%s"}
        """
            .formatted(label, label, label, session));
  }

  private static String id(JsonNode task) {
    return task.get("taskId").asString();
  }
}

package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.cli.TasklaneSuite.Run;
import io.tasklane.cli.output.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code tasks follow} prints each lifecycle event as it happens and exits with a status that says
 * how the task ended. The tasks are external, driven through the API by a stand-in executor while
 * the CLI follows them.
 */
class FollowTests {

  static final String KEY = TasklaneSuite.keyOf("follow");
  static TasklaneSuite suite;
  private final Map<CompletableFuture<Run>, StringWriter> outputs = new ConcurrentHashMap<>();
  private final ExecutorService followers = Executors.newVirtualThreadPerTaskExecutor();

  @BeforeAll
  static void start() {
    suite = TasklaneSuite.get();
  }

  @Test
  void followPrintsEveryTransitionAndExitsZeroWhenTheTaskSucceeds() throws Exception {
    JsonNode task = externalTask("succeeds");

    CompletableFuture<Run> follow = followInBackground(id(task));
    awaitSubscribed(follow);
    JsonNode running = suite.report(KEY, task, "started", null, null);
    suite.report(KEY, running, "progress", null, "Half of the pages are checked");
    suite.report(KEY, running, "finished", "succeeded", "All 40 pages answer 200");

    Run run = follow.get(60, TimeUnit.SECONDS);
    assertThat(run.status()).as(run.err()).isEqualTo(ExitCodes.OK);
    List<String> lines = run.lines();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d  queued +created \\(cli\\)");
    assertThat(lines.get(1)).matches("\\d\\d:\\d\\d:\\d\\d  running +queued → running.*");
    assertThat(lines.get(2)).endsWith("progress: Half of the pages are checked");
    assertThat(lines.get(3))
        .matches("\\d\\d:\\d\\d:\\d\\d  succeeded +running → succeeded: .*")
        .contains("All 40 pages answer 200");
  }

  @Test
  void followExitsWithTheStatusOfAFailedOrTimedOutTask() throws Exception {
    JsonNode failing = externalTask("fails");
    JsonNode timingOut = externalTask("times out");
    CompletableFuture<Run> followFailing = followInBackground(id(failing));
    CompletableFuture<Run> followTimingOut = followInBackground(id(timingOut));
    awaitSubscribed(followFailing);
    awaitSubscribed(followTimingOut);

    suite.report(
        KEY, suite.report(KEY, failing, "started", null, null), "finished", "failed", null);
    suite.report(
        KEY, suite.report(KEY, timingOut, "started", null, null), "finished", "timed_out", null);

    Run failed = followFailing.get(60, TimeUnit.SECONDS);
    assertThat(failed.status()).isEqualTo(ExitCodes.TASK_FAILED).isEqualTo(10);
    assertThat(failed.lines().getLast()).contains("running → failed");
    Run timedOut = followTimingOut.get(60, TimeUnit.SECONDS);
    assertThat(timedOut.status()).isEqualTo(ExitCodes.TASK_TIMED_OUT).isEqualTo(11);
    assertThat(timedOut.lines().getLast()).contains("running → timed_out");
  }

  @Test
  void followExitsWithTwelveWhenSomeoneCancelsTheTaskMeanwhile() throws Exception {
    JsonNode task = externalTask("gets cancelled");
    CompletableFuture<Run> follow = followInBackground("run-" + label(task));
    awaitSubscribed(follow);

    Run cancel = suite.cli(KEY, "tasks", "cancel", id(task));
    assertThat(cancel.status()).isZero();

    Run run = follow.get(60, TimeUnit.SECONDS);
    assertThat(run.status()).isEqualTo(ExitCodes.TASK_CANCELLED).isEqualTo(12);
    assertThat(run.lines().getLast()).contains("queued → cancelled");
  }

  @Test
  void followExitsWithThirteenWhenMaintenanceFindsTheExecutorGoneAndTheTaskLost() throws Exception {
    JsonNode task = externalTask("goes silent");
    suite.startWithLease(KEY, task, 1);
    CompletableFuture<Run> follow = followInBackground(id(task));
    awaitLines(follow, 2);

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                suite
                        .cli(KEY, "tasks", "maintenance", "--apply", "--json")
                        .json()
                        .get("reconciled")
                        .asInt()
                    > 0);

    Run run = follow.get(60, TimeUnit.SECONDS);
    assertThat(run.status()).isEqualTo(ExitCodes.TASK_LOST).isEqualTo(13);
    assertThat(run.lines().getLast()).contains("running → lost");
  }

  @Test
  void anEndingThatWasRetriedSinceIsHistoryAndFollowWaitsForTheNewAttempt() throws Exception {
    JsonNode task = externalTask("fails once");
    suite.report(KEY, suite.report(KEY, task, "started", null, null), "finished", "failed", null);
    JsonNode retried =
        suite.cli(KEY, "tasks", "retry", id(task), "--json").json().get("items").get(0);
    assertThat(retried.get("attempt").asInt()).isEqualTo(2);

    CompletableFuture<Run> follow = followInBackground(id(task));
    awaitLines(follow, 4);
    assertThat(follow).isNotDone();
    suite.report(
        KEY,
        suite.report(KEY, retried, "started", null, null),
        "finished",
        "succeeded",
        "Fine now");

    Run run = follow.get(60, TimeUnit.SECONDS);
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("running → failed", "failed → queued");
    assertThat(run.lines().getLast()).contains("running → succeeded: Fine now");
  }

  @Test
  void followOfATaskThatAlreadyEndedReplaysItsHistoryAndExitsAtOnce() {
    JsonNode task = externalTask("ended before");
    suite.report(KEY, suite.report(KEY, task, "started", null, null), "finished", "failed", null);

    Run run = suite.cli(KEY, "tasks", "follow", id(task));

    assertThat(run.status()).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(run.lines()).hasSize(3);
  }

  @Test
  void followAsJsonPrintsOneCloudEventPerLine() {
    JsonNode task = externalTask("as json");
    suite.cli(KEY, "tasks", "cancel", id(task));

    Run run = suite.cli(KEY, "tasks", "follow", id(task), "--json");

    assertThat(run.status()).isEqualTo(ExitCodes.TASK_CANCELLED);
    List<JsonNode> events = run.lines().stream().map(Json::parse).toList();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get("type").asString()).isEqualTo("io.tasklane.task.created");
    assertThat(events.get(1).get("type").asString()).isEqualTo("io.tasklane.task.status_changed");
    assertThat(events.get(1).get("data").get("status").asString()).isEqualTo("cancelled");
    assertThat(events.get(1).get("subject").asString()).isEqualTo(id(task));
  }

  private JsonNode externalTask(String label) {
    String slug = label.replace(' ', '-');
    return suite.createTask(
        KEY,
        """
        {"goal":"A task that %s","label":"%s","runtime":"cli","executor":"external","runId":"run-%s"}
        """
            .formatted(label, slug, slug));
  }

  private CompletableFuture<Run> followInBackground(String lookup) {
    var output = new StringWriter();
    CompletableFuture<Run> future =
        CompletableFuture.supplyAsync(
            () -> {
              var err = new StringWriter();
              int status =
                  TasklaneCli.execute(
                      new Terminal(
                          new PrintWriter(output, true),
                          new PrintWriter(err),
                          Map.of("TASKLANE_URL", suite.url(), "TASKLANE_API_KEY", KEY),
                          false,
                          Clock.systemUTC()),
                      "tasks",
                      "follow",
                      lookup);
              return new Run(status, output.toString(), err.toString());
            },
            followers);
    outputs.put(future, output);
    return future;
  }

  /** Waits until the follower printed the creation event, so it is subscribed. */
  private void awaitSubscribed(CompletableFuture<Run> follow) {
    awaitLines(follow, 1);
  }

  private void awaitLines(CompletableFuture<Run> follow, int lines) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> outputs.get(follow).toString().lines().count() >= lines);
  }

  private static String id(JsonNode task) {
    return task.get("taskId").asString();
  }

  private static String label(JsonNode task) {
    return task.get("label").asString();
  }
}

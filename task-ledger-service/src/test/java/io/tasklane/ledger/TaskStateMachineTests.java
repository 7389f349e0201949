package io.tasklane.ledger;

import static io.tasklane.contracts.TaskStatus.CANCELLED;
import static io.tasklane.contracts.TaskStatus.FAILED;
import static io.tasklane.contracts.TaskStatus.LOST;
import static io.tasklane.contracts.TaskStatus.NEEDS_ASSISTANCE;
import static io.tasklane.contracts.TaskStatus.PAUSED;
import static io.tasklane.contracts.TaskStatus.QUEUED;
import static io.tasklane.contracts.TaskStatus.RUNNING;
import static io.tasklane.contracts.TaskStatus.SUCCEEDED;
import static io.tasklane.contracts.TaskStatus.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.tasks.TaskStateMachine;
import io.tasklane.ledger.tasks.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TaskStateMachineTests extends LedgerTest {

  /** DESIGN §2, Status: for each trigger, the statuses it leaves and the status it reaches. */
  private static final Map<Trigger, Map<TaskStatus, TaskStatus>> EXPECTED =
      new EnumMap<>(Trigger.class);

  static {
    allowed(Trigger.CLAIM, RUNNING, QUEUED);
    allowed(Trigger.START, RUNNING, QUEUED);
    allowed(Trigger.PAUSE, PAUSED, QUEUED, RUNNING);
    allowed(Trigger.RESUME, QUEUED, PAUSED, NEEDS_ASSISTANCE);
    allowed(Trigger.CANCEL, CANCELLED, QUEUED, RUNNING, PAUSED, NEEDS_ASSISTANCE);
    allowed(Trigger.RETRY, QUEUED, FAILED, TIMED_OUT, CANCELLED, LOST);
    allowed(Trigger.NEEDS_ASSISTANCE, NEEDS_ASSISTANCE, RUNNING);
    allowed(Trigger.SUCCEED, SUCCEEDED, RUNNING);
    allowed(Trigger.FAIL, FAILED, RUNNING);
    allowed(Trigger.TIME_OUT, TIMED_OUT, RUNNING);
    allowed(Trigger.RECOVER, QUEUED, RUNNING);
    allowed(Trigger.MARK_LOST, LOST, QUEUED, RUNNING);
    allowed(Trigger.APPROVAL_EXPIRED, FAILED, NEEDS_ASSISTANCE);
  }

  private static void allowed(Trigger trigger, TaskStatus target, TaskStatus... from) {
    Map<TaskStatus, TaskStatus> row = new EnumMap<>(TaskStatus.class);
    for (TaskStatus status : from) {
      row.put(status, target);
    }
    EXPECTED.put(trigger, row);
  }

  @Test
  void everyStatusAndTriggerPairMatchesTheTable() {
    assertThat(EXPECTED).containsOnlyKeys(Trigger.values());
    List<String> mismatches = new ArrayList<>();
    int pairs = 0;
    for (TaskStatus from : TaskStatus.values()) {
      for (Trigger trigger : Trigger.values()) {
        pairs++;
        Optional<TaskStatus> expected = Optional.ofNullable(EXPECTED.get(trigger).get(from));
        Optional<TaskStatus> actual = TaskStateMachine.next(from, trigger);
        if (!expected.equals(actual)) {
          mismatches.add(from + " x " + trigger + ": expected " + expected + ", got " + actual);
        }
        assertThat(TaskStateMachine.allowedFrom(trigger).contains(from))
            .as("%s allowed from %s", trigger, from)
            .isEqualTo(expected.isPresent());
      }
    }
    assertThat(pairs).isEqualTo(TaskStatus.values().length * Trigger.values().length);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void terminalStatusesOnlyLeaveThroughRetry() {
    for (TaskStatus from : TaskStatus.values()) {
      if (!from.isTerminal()) {
        continue;
      }
      for (Trigger trigger : Trigger.values()) {
        Optional<TaskStatus> next = TaskStateMachine.next(from, trigger);
        if (trigger == Trigger.RETRY && from != SUCCEEDED) {
          assertThat(next).contains(QUEUED);
        } else {
          assertThat(next).as("%s x %s", from, trigger).isEmpty();
        }
      }
    }
  }

  @Test
  void onlyReconciliationMarksATaskLost() {
    for (Trigger trigger : Trigger.values()) {
      boolean reachesLost =
          TaskStateMachine.allowedFrom(trigger).stream()
              .anyMatch(from -> TaskStateMachine.next(from, trigger).orElseThrow() == LOST);
      assertThat(reachesLost).as(trigger.name()).isEqualTo(trigger == Trigger.MARK_LOST);
    }
  }

  @Test
  void cancellingASucceededTaskIsRefusedAndChangesNothing() {
    String id = createTaskId("{\"goal\":\"Ship it\"}");
    claim(id, 1);
    var runner = new ScriptedRunner(id, tenant, 1);
    runner.succeed("shipped");
    JsonNode before = awaitTask(id, task -> task.get("status").asString().equals("succeeded"));
    List<JsonNode> journalBefore = journal(id);

    var refused = api.post(tenant, "/api/v1/tasks/" + id + "/cancel", "{\"reason\":\"too late\"}");

    assertInvalidTransition(refused, "succeeded");
    assertUnchanged(id, before, journalBefore);
  }

  @Test
  void retryingAQueuedTaskIsRefusedAndChangesNothing() {
    String id = createTaskId("{\"goal\":\"Wait in line\"}");
    JsonNode before = show(id);
    List<JsonNode> journalBefore = journal(id);

    var refused = api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);

    assertInvalidTransition(refused, "queued");
    assertUnchanged(id, before, journalBefore);
    assertThat(show(id).get("attempt").asInt()).isEqualTo(1);
  }

  @Test
  void resumingAQueuedTaskAndPausingAPausedOneAreRefused() {
    String id = createTaskId("{\"goal\":\"Hold on\"}");
    assertInvalidTransition(
        api.post(tenant, "/api/v1/tasks/" + id + "/resume", "{\"message\":\"go\"}"), "queued");
    assertThat(api.post(tenant, "/api/v1/tasks/" + id + "/pause", null).status()).isEqualTo(200);
    JsonNode paused = show(id);
    List<JsonNode> journalBefore = journal(id);

    assertInvalidTransition(api.post(tenant, "/api/v1/tasks/" + id + "/pause", null), "paused");
    assertInvalidTransition(api.post(tenant, "/api/v1/tasks/" + id + "/retry", null), "paused");
    assertUnchanged(id, paused, journalBefore);
  }

  @Test
  void aTerminalTaskIgnoresLaterOutcomesAndNeverDowngrades() {
    String id = createTaskId("{\"goal\":\"Finish once\"}");
    claim(id, 1);
    var runner = new ScriptedRunner(id, tenant, 1);
    runner.send(runner.finished(FAILED, "broke", "disk full"));
    awaitTask(id, task -> task.get("status").asString().equals("failed"));
    double ignoredBefore = ignoredReports("not_running");

    runner.send(runner.finished(SUCCEEDED, "all good after all", null));
    runner.send(runner.progress("still going"));

    await().atMost(PATIENCE).until(() -> ignoredReports("not_running") == ignoredBefore + 2);
    JsonNode task = show(id);
    assertThat(task.get("status").asString()).isEqualTo("failed");
    assertThat(task.get("error").asString()).isEqualTo("disk full");
    assertThat(task.has("progressSummary")).isFalse();
    assertThat(journalOfType(id, "status_changed")).hasSize(2);
  }

  @Test
  void retryQueuesTheSameTaskAgainWithTheNextAttempt() {
    String id = createTaskId("{\"goal\":\"Try again\"}");
    assertThat(api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null).status()).isEqualTo(200);

    var retried = api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);

    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.json().get("taskId").asString()).isEqualTo(id);
    assertThat(retried.json().get("status").asString()).isEqualTo("queued");
    assertThat(retried.json().get("attempt").asInt()).isEqualTo(2);
    assertThat(retried.json().has("endedAt")).isFalse();
    assertThat(listedTaskIds("")).containsExactly(id);
    JsonNode retry = journalOfType(id, "status_changed").getLast();
    assertThat(retry.get("attempt").asInt()).isEqualTo(2);
    assertThat(retry.get("payload").get("from").asString()).isEqualTo("cancelled");
    assertThat(retry.get("payload").get("to").asString()).isEqualTo("queued");
  }

  @Test
  void concurrentChangesApplyOneAtATime() throws Exception {
    String id = createTaskId("{\"goal\":\"Contended\"}");
    int operators = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<LedgerApi.Response>> answers = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(operators)) {
      for (int i = 0; i < operators; i++) {
        String action = i % 2 == 0 ? "cancel" : "pause";
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return api.post(tenant, "/api/v1/tasks/" + id + "/" + action, null);
                }));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (var answer : answers) {
        statuses.add(answer.get().status());
      }
      assertThat(statuses).containsOnly(200, 409);
    }

    JsonNode task = show(id);
    List<JsonNode> transitions = journalOfType(id, "status_changed");
    assertThat(transitions)
        .extracting(e -> e.get("payload").get("to").asString())
        .isSubsetOf("paused", "cancelled");
    assertThat(transitions.getLast().get("payload").get("to").asString())
        .isEqualTo(task.get("status").asString());
    assertThat(journal(id))
        .extracting(e -> e.get("seq").asLong())
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, journal(id).size()).boxed().toList());
  }

  @Test
  void timestampsStayMonotonicAcrossAFullRun() {
    String id = createTaskId("{\"goal\":\"Run start to end\"}");
    claim(id, 1);
    var runner = new ScriptedRunner(id, tenant, 1);
    runner.send(runner.plan("look", "fix"));
    runner.send(runner.stepStarted(0));
    runner.send(runner.heartbeat(120));
    runner.send(runner.verdict(0, true, "looked"));
    runner.send(runner.progress("half way"));
    runner.send(runner.verdict(1, true, "fixed"));
    runner.send(runner.finished(SUCCEEDED, "done", null));

    JsonNode task = awaitTask(id, t -> t.get("status").asString().equals("succeeded"));

    Instant createdAt = Instant.parse(task.get("createdAt").asString());
    Instant startedAt = Instant.parse(task.get("startedAt").asString());
    Instant lastEventAt = Instant.parse(task.get("lastEventAt").asString());
    Instant endedAt = Instant.parse(task.get("endedAt").asString());
    assertThat(createdAt).isBeforeOrEqualTo(startedAt);
    assertThat(startedAt).isBeforeOrEqualTo(lastEventAt);
    assertThat(lastEventAt).isBeforeOrEqualTo(endedAt);
    List<Instant> journalTimes =
        journal(id).stream().map(e -> Instant.parse(e.get("at").asString())).toList();
    assertThat(journalTimes).isSorted();
    assertThat(journalTimes.getFirst()).isEqualTo(createdAt);
    assertThat(journalTimes.getLast()).isEqualTo(endedAt);
  }

  private static void assertInvalidTransition(LedgerApi.Response refused, String current) {
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/invalid-transition");
    assertThat(refused.json().get("currentStatus").asString()).isEqualTo(current);
  }

  private void assertUnchanged(String id, JsonNode before, List<JsonNode> journalBefore) {
    JsonNode after = show(id);
    assertThat(after.get("status")).isEqualTo(before.get("status"));
    assertThat(after.get("version")).isEqualTo(before.get("version"));
    assertThat(after.get("attempt")).isEqualTo(before.get("attempt"));
    assertThat(after.get("lastEventAt")).isEqualTo(before.get("lastEventAt"));
    assertThat(journal(id)).isEqualTo(journalBefore);
  }
}

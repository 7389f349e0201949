package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every audit code, each brought about the way it happens in operation. */
class AuditTests extends OperationsTest {

  @Test
  void staleQueuedAndStaleRunningTasksAreReportedWithTheirAge() {
    String queued = createTaskId("{\"goal\":\"Nobody will claim me\"}");
    String running = createTaskId("{\"goal\":\"My runner goes quiet\"}");
    claim(running, 1);

    JsonNode staleQueued = awaitFinding("stale_queued", "task", queued);
    JsonNode staleRunning = awaitFinding("stale_running", "task", running);

    assertThat(staleQueued.get("severity").asString()).isEqualTo("warn");
    assertThat(staleQueued.get("ageSeconds").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(staleQueued.get("detail").asString()).contains("not claimed");
    assertThat(staleRunning.get("severity").asString()).isEqualTo("error");
    assertThat(staleRunning.get("detail").asString()).contains("runner-a");
    JsonNode summary = audit("").get("summary");
    assertThat(summary.get("byCode").get("stale_queued").asInt()).isEqualTo(1);
    assertThat(summary.get("byCode").get("stale_running").asInt()).isEqualTo(1);
    assertThat(summary.get("bySeverity").get("error").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(audit("severity=error").get("findings").values())
        .allMatch(f -> f.get("severity").asString().equals("error"));
    assertThat(audit("limit=1").get("findings").size()).isEqualTo(1);
  }

  @Test
  void lostTasksAndFailedDeliveriesAreReported() {
    String lost = createTaskId("{\"goal\":\"External run\",\"executor\":\"external\"}");
    api.post(
        tenant,
        "/api/v1/tasks/" + lost + "/reports",
        "{\"type\":\"started\",\"attempt\":1,\"leaseSeconds\":1}");
    await().atMost(PATIENCE).until(() -> maintenance(true).get("reconciled").asInt(), n -> n == 1);
    String undelivered = createTaskId("{\"goal\":\"Tell me when done\"}");
    claim(undelivered, 1);
    var runner = new ScriptedRunner(undelivered, tenant, 1);
    runner.succeed("done");
    awaitTask(undelivered, t -> t.get("status").asString().equals("succeeded"));
    Broker.send(
        Topics.DELIVERY_REPORTS,
        undelivered,
        new DeliveryReport(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.fromString(undelivered),
            tenant,
            DeliveryChannel.TELEGRAM,
            DeliveryStatus.FAILED,
            "chat not found",
            5,
            Instant.now()));

    assertThat(awaitFinding("lost", "task", lost).get("detail").asString())
        .contains("external executor");
    assertThat(awaitFinding("delivery_failed", "task", undelivered).get("detail").asString())
        .contains("succeeded");
  }

  @Test
  void anEndedTaskWhoseDeliveryStaysPendingIsReported() {
    String unheard = createTaskId("{\"goal\":\"Tell chat-1\",\"requesterSessionKey\":\"chat-1\"}");
    String nobodyAsked = createTaskId("{\"goal\":\"Tell nobody\"}");
    api.post(tenant, "/api/v1/tasks/" + unheard + "/cancel", null);
    api.post(tenant, "/api/v1/tasks/" + nobodyAsked + "/cancel", null);

    JsonNode finding = awaitFinding("delivery_pending", "task", unheard);

    assertThat(finding.get("severity").asString()).isEqualTo("warn");
    assertThat(finding.get("detail").asString()).contains("cancelled").contains("no delivery");
    assertThat(finding("delivery_pending", "task", nobodyAsked)).isNull();
  }

  @Test
  void endedTasksWithoutCleanupTimeAreReported() {
    String id = createTaskId("{\"goal\":\"Changed my mind\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);

    JsonNode finding = awaitFinding("missing_cleanup", "task", id);

    assertThat(finding.get("severity").asString()).isEqualTo("info");
    maintenance(true);
    assertThat(finding("missing_cleanup", "task", id)).isNull();
  }

  @Test
  void timestampsOutOfOrderAreReported() {
    String id = createTaskId("{\"goal\":\"Restored from an old backup\"}");
    claim(id, 1);
    // The ledger keeps timestamps monotonic itself, so only a writer outside it (a restore, a
    // manual fix, a skewed clock) can break the order; this is that writer.
    jdbc.sql("update tasks set started_at = created_at - interval '1 hour' where task_id = :id")
        .param("id", UUID.fromString(id))
        .update();

    JsonNode finding = awaitFinding("inconsistent_timestamps", "task", id);

    assertThat(finding.get("severity").asString()).isEqualTo("error");
    assertThat(finding.get("detail").asString()).contains("startedAt=");
  }

  @Test
  void flowsThatRunWaitOrStayBlockedTooLongAreReported() {
    String runningFlow = createFlow("Quiet flow");
    claim(createTaskId(linked(runningFlow, "goes quiet")), 1);
    String waitingFlow = createFlow("Paused flow");
    String paused = createTaskId(linked(waitingFlow, "paused by an operator"));
    api.post(tenant, "/api/v1/tasks/" + paused + "/pause", null);
    String blockedFlow = createFlow("Failing flow");
    String failing = createTaskId(linked(blockedFlow, "fails"));
    claim(failing, 1);
    var runner = new ScriptedRunner(failing, tenant, 1);
    runner.send(runner.finished(TaskStatus.FAILED, null, "quota exceeded"));
    String emptyFlow = createFlow("Nobody links to me");

    assertThat(awaitFinding("stale_running", "flow", runningFlow).get("severity").asString())
        .isEqualTo("warn");
    assertThat(flow(waitingFlow).get("status").asString()).isEqualTo("waiting");
    awaitFinding("stale_waiting", "flow", waitingFlow);
    assertThat(awaitFinding("stale_blocked", "flow", blockedFlow).get("detail").asString())
        .contains(failing)
        .contains("quota exceeded");
    awaitFinding("missing_linked_tasks", "flow", emptyFlow);
  }

  @Test
  void aCancelThatNeverFinishedIsReported() {
    String flowId = createFlow("Cancel interrupted");
    String child = createTaskId(linked(flowId, "still running"));
    claim(child, 1);
    // A cancel is two steps: the flow records the request, then its tasks are cancelled. A ledger
    // that stops between them leaves exactly this row behind.
    jdbc.sql("update flows set cancel_requested_at = now() where flow_id = :id")
        .param("id", UUID.fromString(flowId))
        .update();

    JsonNode finding = awaitFinding("cancel_stuck", "flow", flowId);

    assertThat(finding.get("severity").asString()).isEqualTo("error");
    JsonNode applied = maintenance(true);
    assertThat(actionTargets(applied, "finish_flow_cancel")).containsExactly(flowId);
    assertThat(show(child).get("status").asString()).isEqualTo("cancelled");
    assertThat(flow(flowId).get("status").asString()).isEqualTo("cancelled");
    assertThat(finding("cancel_stuck", "flow", flowId)).isNull();
  }

  @Test
  void aFlowBlockedByATaskThatIsGoneIsReportedAndRolledUpAgain() {
    String flowId = createFlow("Lost its blocker");
    createTaskId(linked(flowId, "waits its turn"));
    String failing = createTaskId(linked(flowId, "fails"));
    claim(failing, 1);
    var runner = new ScriptedRunner(failing, tenant, 1);
    runner.send(runner.finished(TaskStatus.FAILED, null, "crashed"));
    await()
        .atMost(PATIENCE)
        .until(() -> flow(flowId).get("status").asString(), s -> s.equals("blocked"));
    // Retention never prunes a task that blocks a flow, so only a deletion outside the ledger
    // (an operator cleaning rows by hand) takes the blocker away.
    jdbc.sql("delete from tasks where task_id = :id")
        .param("id", UUID.fromString(failing))
        .update();

    assertThat(awaitFinding("blocked_task_missing", "flow", flowId).get("taskId").asString())
        .isEqualTo(failing);

    maintenance(true);
    assertThat(flow(flowId).get("status").asString()).isEqualTo("queued");
    assertThat(finding("blocked_task_missing", "flow", flowId)).isNull();
  }

  @Test
  void theAuditSeesOnlyTheCallersTenantAndRefusesUnknownCodes() {
    createTaskId("{\"goal\":\"Old and unclaimed\"}");
    String mine = tenant;
    awaitFinding("stale_queued", "task", listedTaskIds("").getFirst());
    tenant = mine + "-neighbour";

    assertThat(audit("").get("summary").get("total").asInt()).isZero();
    var unknown = api.get(tenant, "/api/v1/audit?code=everything");
    assertThat(unknown.status()).isEqualTo(400);
  }

  private static String linked(String flowId, String goal) {
    return "{\"goal\":\"" + goal + "\",\"parentFlowId\":\"" + flowId + "\"}";
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Topics;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DeliveryReportTests extends LedgerTest {

  @Test
  void aDeliveryReportUpdatesTheDeliveryStatusAndIsJournaled() {
    String id = finishedTask();

    send(id, DeliveryStatus.DELIVERED, null);

    JsonNode task = awaitTask(id, t -> t.get("deliveryStatus").asString().equals("delivered"));
    assertThat(task.get("status").asString()).isEqualTo("succeeded");
    JsonNode entry = journalOfType(id, "delivery").getFirst();
    assertThat(entry.get("payload").get("channel").asString()).isEqualTo("telegram");
    assertThat(entry.get("payload").get("outcome").asString()).isEqualTo("delivered");
  }

  @Test
  void aTaskCanSucceedWhileItsDeliveryFails() {
    String id = finishedTask();

    DeliveryReport report = send(id, DeliveryStatus.FAILED, "chat not found");
    Broker.send(Topics.DELIVERY_REPORTS, id, report);
    send(id, DeliveryStatus.SESSION_QUEUED, null);

    JsonNode task = awaitTask(id, t -> t.get("deliveryStatus").asString().equals("session_queued"));
    assertThat(task.get("status").asString()).isEqualTo("succeeded");
    assertThat(journalOfType(id, "delivery"))
        .extracting(e -> e.get("payload").get("outcome").asString())
        .containsExactly("failed", "session_queued");
    assertThat(journalOfType(id, "delivery").getFirst().get("payload").get("reason").asString())
        .isEqualTo("chat not found");
  }

  @Test
  void aDeliveryReportNamingAnotherTenantChangesNothing() {
    String id = finishedTask();

    send(id, "someone-else", DeliveryStatus.FAILED, "forged");
    send(id, DeliveryStatus.DELIVERED, null);

    JsonNode task = awaitTask(id, t -> t.get("deliveryStatus").asString().equals("delivered"));
    assertThat(journalOfType(id, "delivery"))
        .extracting(e -> e.get("payload").get("outcome").asString())
        .containsExactly("delivered");
    assertThat(task.get("status").asString()).isEqualTo("succeeded");
  }

  @Test
  void aTaskWithNowhereToDeliverShowsNotApplicableWhateverItsPolicyAndEnd() {
    String finished = createTaskId("{\"goal\":\"Nobody asked\",\"notifyPolicy\":\"done_only\"}");
    String watched =
        createTaskId("{\"goal\":\"Nobody watches\",\"notifyPolicy\":\"state_changes\"}");
    String cancelled = createTaskId("{\"goal\":\"Called off\"}");
    String asked = createTaskId("{\"goal\":\"Somebody asked\",\"requesterSessionKey\":\"chat-1\"}");
    assertThat(show(finished).get("deliveryStatus").asString()).isEqualTo("not_applicable");
    claim(finished, 1);
    var runner = new ScriptedRunner(finished, tenant, 1);
    runner.succeed("done");
    api.post(tenant, "/api/v1/tasks/" + cancelled + "/cancel", null);
    api.post(tenant, "/api/v1/tasks/" + asked + "/cancel", null);
    api.put(tenant, "/api/v1/tasks/" + watched + "/notify-policy", "{\"notifyPolicy\":\"silent\"}");
    api.put(
        tenant, "/api/v1/tasks/" + watched + "/notify-policy", "{\"notifyPolicy\":\"done_only\"}");

    awaitTask(finished, t -> t.get("status").asString().equals("succeeded"));
    assertThat(show(finished).get("deliveryStatus").asString()).isEqualTo("not_applicable");
    assertThat(show(watched).get("deliveryStatus").asString()).isEqualTo("not_applicable");
    assertThat(show(cancelled).get("status").asString()).isEqualTo("cancelled");
    assertThat(show(cancelled).get("deliveryStatus").asString()).isEqualTo("not_applicable");
    assertThat(show(asked).get("deliveryStatus").asString()).isEqualTo("pending");
  }

  private String finishedTask() {
    String id = createTaskId("{\"goal\":\"Tell me when done\",\"requesterSessionKey\":\"chat-1\"}");
    claim(id, 1);
    var runner = new ScriptedRunner(id, tenant, 1);
    runner.succeed("done");
    JsonNode task = awaitTask(id, t -> t.get("status").asString().equals("succeeded"));
    assertThat(task.get("deliveryStatus").asString()).isEqualTo("pending");
    return id;
  }

  private DeliveryReport send(String taskId, DeliveryStatus outcome, String reason) {
    return send(taskId, tenant, outcome, reason);
  }

  private DeliveryReport send(
      String taskId, String reportTenant, DeliveryStatus outcome, String reason) {
    var report =
        new DeliveryReport(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.fromString(taskId),
            reportTenant,
            DeliveryChannel.TELEGRAM,
            outcome,
            reason,
            1,
            Instant.now());
    Broker.send(Topics.DELIVERY_REPORTS, taskId, report);
    return report;
  }
}

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

  private String finishedTask() {
    String id = createTaskId("{\"goal\":\"Tell me when done\"}");
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

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.TaskStatus;
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

  @Test
  void aLateReportAboutAnEarlierEventDoesNotOverwriteTheStateOfALaterOne() {
    String id = finishedTask();
    long ended = endSequence(id);

    send(id, DeliveryChannel.TELEGRAM, DeliveryStatus.DELIVERED, ended);
    awaitTask(id, t -> t.get("deliveryStatus").asString().equals("delivered"));
    send(id, DeliveryChannel.TELEGRAM, DeliveryStatus.FAILED, ended - 1);

    awaitTask(id, t -> journalOfType(id, "delivery").size() == 2);
    assertThat(show(id).get("deliveryStatus").asString()).isEqualTo("delivered");
    JsonNode late = journalOfType(id, "delivery").getLast().get("payload");
    assertThat(late.get("outcome").asString()).isEqualTo("failed");
    assertThat(late.get("late").asBoolean()).isTrue();
  }

  @Test
  void aReportAboutAnEventBeforeTheEndLeavesTheEndPending() {
    String id = finishedTask();

    send(id, DeliveryChannel.TELEGRAM, DeliveryStatus.FAILED, endSequence(id) - 1);

    awaitTask(id, t -> journalOfType(id, "delivery").size() == 1);
    assertThat(show(id).get("deliveryStatus").asString()).isEqualTo("pending");
  }

  @Test
  void aRepeatedReportIsAppliedOnceAndChangesNothing() {
    String id = finishedTask();
    long ended = endSequence(id);

    DeliveryReport report = send(id, DeliveryChannel.INBOX, DeliveryStatus.SESSION_QUEUED, ended);
    Broker.send(Topics.DELIVERY_REPORTS, id, report);
    Broker.send(Topics.DELIVERY_REPORTS, id, report);
    send(id, DeliveryChannel.TELEGRAM, DeliveryStatus.DELIVERED, ended);

    awaitTask(id, t -> t.get("deliveryStatus").asString().equals("delivered"));
    assertThat(journalOfType(id, "delivery"))
        .extracting(e -> e.get("payload").get("outcome").asString())
        .containsExactly("session_queued", "delivered");
  }

  @Test
  void channelsCombineSoTheTaskIsDeliveredWhenAnyChannelReachedTheRequesterInAnyOrder() {
    String first = finishedTask();
    String second = finishedTask();

    send(first, DeliveryChannel.TELEGRAM, DeliveryStatus.DELIVERED, endSequence(first));
    send(first, DeliveryChannel.WEBHOOK, DeliveryStatus.FAILED, endSequence(first));
    send(second, DeliveryChannel.WEBHOOK, DeliveryStatus.FAILED, endSequence(second));
    send(second, DeliveryChannel.TELEGRAM, DeliveryStatus.DELIVERED, endSequence(second));

    for (String id : java.util.List.of(first, second)) {
      awaitTask(id, t -> journalOfType(id, "delivery").size() == 2);
      assertThat(show(id).get("deliveryStatus").asString()).isEqualTo("delivered");
    }
  }

  @Test
  void aTaskRunAgainAfterItsDeliveryIsPendingAgainAndTheOldRunsReportsStayLate() {
    String id = createTaskId("{\"goal\":\"Try twice\",\"requesterSessionKey\":\"chat-1\"}");
    claim(id, 1);
    var firstRun = new ScriptedRunner(id, tenant, 1);
    firstRun.send(firstRun.finished(TaskStatus.FAILED, "broke", "boom"));
    awaitTask(id, t -> t.get("status").asString().equals("failed"));
    long firstEnd = endSequence(id);
    send(id, DeliveryChannel.TELEGRAM, DeliveryStatus.DELIVERED, firstEnd);
    awaitTask(id, t -> t.get("deliveryStatus").asString().equals("delivered"));
    api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);
    claim(id, 2);
    new ScriptedRunner(id, tenant, 2).succeed("done again");
    awaitTask(
        id, t -> t.get("attempt").asInt() == 2 && t.get("status").asString().equals("succeeded"));
    assertThat(show(id).get("deliveryStatus").asString()).isEqualTo("pending");

    send(id, DeliveryChannel.TELEGRAM, DeliveryStatus.FAILED, firstEnd);

    awaitTask(id, t -> journalOfType(id, "delivery").size() == 2);
    assertThat(show(id).get("deliveryStatus").asString()).isEqualTo("pending");
  }

  /** The journal sequence of the task's last status change: the event its end was told in. */
  private long endSequence(String taskId) {
    return journalOfType(taskId, "status_changed").getLast().get("seq").asLong();
  }

  private DeliveryReport send(
      String taskId, DeliveryChannel channel, DeliveryStatus outcome, long eventSequence) {
    var report =
        new DeliveryReport(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.fromString(taskId),
            tenant,
            channel,
            outcome,
            outcome == DeliveryStatus.FAILED ? "refused" : null,
            1,
            Instant.now(),
            eventSequence,
            1);
    Broker.send(Topics.DELIVERY_REPORTS, taskId, report);
    return report;
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

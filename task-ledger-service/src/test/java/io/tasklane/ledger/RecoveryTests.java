package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Runs whose executor went quiet: recovered from the resume context, redispatched, or lost. */
class RecoveryTests extends OperationsTest {

  @Test
  void aTaskWhoseRunnerStopsHeartbeatingIsQueuedAgainFromItsResumeContextThenLostAtTheCap() {
    String id =
        createTaskId(
            """
            {"goal":"Upgrade the cluster","plan":[
              {"description":"back up","doneWhen":"a backup exists"},
              {"description":"upgrade","doneWhen":"the new version answers"}]}
            """);
    claim(id, 1);
    var first = new ScriptedRunner(id, tenant, 1);
    first.send(first.stepStarted(0));
    first.send(first.verdict(0, true, "backup taken"));
    awaitTask(id, t -> t.get("currentStep").asInt() == 1);

    try (var dispatches = new Broker.TopicReader(Topics.TASK_DISPATCH)) {
      awaitPass("recovered", 1);

      JsonNode requeued = show(id);
      assertThat(requeued.get("status").asString()).isEqualTo("queued");
      assertThat(requeued.get("attempt").asInt()).isEqualTo(2);
      JsonNode recovery = journalOfType(id, "recovery").getFirst().get("payload");
      assertThat(recovery.get("fromAttempt").asInt()).isEqualTo(1);
      assertThat(recovery.get("attempt").asInt()).isEqualTo(2);
      assertThat(recovery.get("recoveries").asInt()).isEqualTo(1);
      assertThat(recovery.get("resumeFromStep").asInt()).isEqualTo(1);
      awaitOutboxPublished();
      assertThat(dispatches.readToEnd(tenant))
          .extracting(d -> d.get("reason").asString() + "@" + d.get("attempt").asInt())
          .containsExactly("created@1", "recovery@2");
    }
    JsonNode grant = claim(id, 2);
    assertThat(grant.get("resumeContext").get("currentStep").asInt()).isEqualTo(1);
    assertThat(grant.get("plan").get(0).get("status").asString()).isEqualTo("verified");

    awaitPass("recovered", 1);
    assertThat(show(id).get("attempt").asInt()).isEqualTo(3);
    claim(id, 3);
    awaitPass("reconciled", 1);

    JsonNode lost = show(id);
    assertThat(lost.get("status").asString()).isEqualTo("lost");
    assertThat(lost.get("attempt").asInt()).isEqualTo(3);
    assertThat(lost.get("statusReason").asString()).contains("after 2 recoveries");
    assertThat(journalOfType(id, "recovery")).hasSize(2);
    assertThat(counter("tasklane_recoveries_total")).isGreaterThanOrEqualTo(2);
    assertThat(counter("tasklane_tasks_lost_total")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anExternalTaskThatStopsReportingIsLostWithoutARetry() {
    String id = createTaskId("{\"goal\":\"Nightly CLI export\",\"executor\":\"external\"}");
    var started =
        api.post(
            tenant,
            "/api/v1/tasks/" + id + "/reports",
            "{\"type\":\"started\",\"attempt\":1,\"leaseSeconds\":1}");
    assertThat(started.status()).as(started.body()).isEqualTo(200);

    awaitPass("reconciled", 1);

    JsonNode lost = show(id);
    assertThat(lost.get("status").asString()).isEqualTo("lost");
    assertThat(lost.get("attempt").asInt()).isEqualTo(1);
    assertThat(lost.get("statusReason").asString()).contains("external executor");
    var late =
        api.post(
            tenant, "/api/v1/tasks/" + id + "/reports", "{\"type\":\"heartbeat\",\"attempt\":1}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(show(id).get("status").asString()).isEqualTo("lost");
  }

  @Test
  void aQueuedTaskNobodyClaimsIsDispatchedAgainAtTheSameAttempt() {
    String id = createTaskId("{\"goal\":\"Summarise the week\"}");

    try (var dispatches = new Broker.TopicReader(Topics.TASK_DISPATCH)) {
      awaitPass("reconciled", 1);
      awaitOutboxPublished();
      assertThat(dispatches.readToEnd(tenant))
          .extracting(d -> d.get("reason").asString() + "@" + d.get("attempt").asInt())
          .containsExactly("created@1", "redispatch@1");
    }
    assertThat(show(id).get("status").asString()).isEqualTo("queued");
    assertThat(show(id).get("attempt").asInt()).isEqualTo(1);
    assertThat(maintenance(true).get("reconciled").asInt()).isZero();
    claim(id, 1);
    assertThat(show(id).get("status").asString()).isEqualTo("running");
  }

  /** Applies maintenance until a pass reports {@code count} for {@code field}; returns it. */
  private JsonNode awaitPass(String field, int count) {
    return await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> maintenance(true), report -> report.get(field).asInt() == count);
  }

  private double counter(String name) {
    return api.get(null, "/actuator/prometheus")
        .body()
        .lines()
        .filter(line -> line.startsWith(name))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}

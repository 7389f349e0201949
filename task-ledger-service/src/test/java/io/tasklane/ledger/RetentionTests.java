package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Ended records get a cleanupAfter time and are pruned after it, unless something still needs them.
 */
class RetentionTests extends OperationsTest {

  @Test
  void retentionPrunesOnlyEndedTasksPastTheirCleanupTimeThatNothingStillNeeds() {
    String lost = external("Lost export", 1);
    await()
        .atMost(PATIENCE)
        .until(() -> maintenance(true), r -> show(lost).get("status").asString().equals("lost"));
    String done = cancelled("{\"goal\":\"Done and quiet\",\"notifyPolicy\":\"silent\"}");
    String undelivered =
        cancelled("{\"goal\":\"Someone should hear of this\",\"requesterSessionKey\":\"chat-1\"}");
    String running = external("Long export", 3600);
    String openFlow = createFlow("Still going");
    String finishedChild =
        cancelled(
            "{\"goal\":\"First half\",\"notifyPolicy\":\"silent\",\"parentFlowId\":\""
                + openFlow
                + "\"}");
    createTaskId(
        "{\"goal\":\"Second half\",\"executor\":\"external\",\"parentFlowId\":\""
            + openFlow
            + "\"}");

    JsonNode stamping = maintenance(true);
    assertThat(actionTargets(stamping, "stamp_cleanup"))
        .contains(done, undelivered, finishedChild)
        .doesNotContain(running);
    JsonNode lostTask = show(lost);
    assertThat(Instant.parse(lostTask.get("cleanupAfter").asString()))
        .isEqualTo(Instant.parse(lostTask.get("endedAt").asString()).plus(Duration.ofHours(1)));
    JsonNode doneTask = show(done);
    assertThat(Instant.parse(doneTask.get("cleanupAfter").asString()))
        .isEqualTo(Instant.parse(doneTask.get("endedAt").asString()).plusSeconds(1));

    JsonNode preview =
        await()
            .atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> maintenance(false), r -> r.get("pruned").asInt() > 0);
    assertThat(actionTargets(preview, "prune")).containsExactly(done);
    assertThat(show(done).get("status").asString()).isEqualTo("cancelled");

    JsonNode applied = maintenance(true);

    assertThat(applied.get("pruned").asInt()).isEqualTo(1);
    assertThat(api.get(tenant, "/api/v1/tasks/" + done).status()).isEqualTo(404);
    assertThat(api.get(tenant, "/api/v1/tasks/" + done + "/journal").status()).isEqualTo(404);
    assertThat(show(undelivered).get("deliveryStatus").asString()).isEqualTo("pending");
    assertThat(show(lost).get("status").asString()).isEqualTo("lost");
    assertThat(show(running).get("status").asString()).isEqualTo("running");
    assertThat(show(finishedChild).get("status").asString()).isEqualTo("cancelled");
    assertThat(listedTaskIds("")).hasSize(5);
    assertThat(maintenance(false).get("pruned").asInt()).isZero();
  }

  private String cancelled(String body) {
    String id = createTaskId(body);
    var cancelled = api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    return id;
  }

  private String external(String goal, int leaseSeconds) {
    String id = createTaskId("{\"goal\":\"" + goal + "\",\"executor\":\"external\"}");
    var started =
        api.post(
            tenant,
            "/api/v1/tasks/" + id + "/reports",
            "{\"type\":\"started\",\"attempt\":1,\"leaseSeconds\":" + leaseSeconds + "}");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    return id;
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ExternalExecutorReportTests extends OperationsTest {

  @Test
  void anExternalExecutorReportsStartProgressHeartbeatAndOutcome() {
    String id = createTaskId("{\"goal\":\"Run the ACP harness\",\"executor\":\"external\"}");

    JsonNode started = report(id, "{\"type\":\"started\",\"attempt\":1,\"leaseSeconds\":120}");
    assertThat(started.get("status").asString()).isEqualTo("running");
    assertThat(Instant.parse(started.get("leaseExpiresAt").asString()))
        .isEqualTo(Instant.parse(started.get("startedAt").asString()).plusSeconds(120));

    JsonNode progressed =
        report(id, "{\"type\":\"progress\",\"attempt\":1,\"summary\":\"3 of 5 files\"}");
    assertThat(progressed.get("progressSummary").asString()).isEqualTo("3 of 5 files");
    JsonNode beat = report(id, "{\"type\":\"heartbeat\",\"attempt\":1,\"leaseSeconds\":300}");
    assertThat(Instant.parse(beat.get("leaseExpiresAt").asString()))
        .isAfter(Instant.parse(started.get("leaseExpiresAt").asString()));

    JsonNode finished =
        report(
            id,
            "{\"type\":\"finished\",\"attempt\":1,\"outcome\":\"succeeded\",\"summary\":\"merged\"}");
    assertThat(finished.get("status").asString()).isEqualTo("succeeded");
    assertThat(finished.get("terminalSummary").asString()).isEqualTo("merged");
    assertThat(journal(id))
        .extracting(e -> e.get("type").asString())
        .containsExactly("created", "status_changed", "progress", "status_changed");
  }

  @Test
  void aReportForAStaleOrMissingAttemptIsRejectedAndChangesNothing() {
    String id = createTaskId("{\"goal\":\"Run the CLI job\",\"executor\":\"external\"}");
    report(id, "{\"type\":\"started\",\"attempt\":1}");
    report(id, "{\"type\":\"finished\",\"attempt\":1,\"outcome\":\"failed\",\"error\":\"boom\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);
    report(id, "{\"type\":\"started\",\"attempt\":2}");
    JsonNode before = show(id);
    int journalLength = journal(id).size();

    var stale =
        api.post(
            tenant,
            "/api/v1/tasks/" + id + "/reports",
            "{\"type\":\"finished\",\"attempt\":1,\"outcome\":\"succeeded\"}");
    var missing =
        api.post(
            tenant,
            "/api/v1/tasks/" + id + "/reports",
            "{\"type\":\"finished\",\"outcome\":\"succeeded\"}");

    assertThat(stale.status()).as(stale.body()).isEqualTo(409);
    assertThat(stale.json().get("type").asString()).endsWith("/stale-attempt");
    assertThat(stale.json().get("currentAttempt").asInt()).isEqualTo(2);
    assertThat(missing.status()).as(missing.body()).isEqualTo(400);
    assertThat(missing.json().get("errors").get(0).get("field").asString()).isEqualTo("attempt");
    assertThat(show(id)).isEqualTo(before);
    assertThat(journal(id)).hasSize(journalLength);
  }

  @Test
  void runnerTasksAndOutOfOrderReportsAreRefused() {
    String runnerTask = createTaskId("{\"goal\":\"Ours to run\"}");
    String external = createTaskId("{\"goal\":\"Theirs\",\"executor\":\"external\"}");

    var notExternal =
        api.post(
            tenant,
            "/api/v1/tasks/" + runnerTask + "/reports",
            "{\"type\":\"started\",\"attempt\":1}");
    var beforeStart =
        api.post(
            tenant,
            "/api/v1/tasks/" + external + "/reports",
            "{\"type\":\"heartbeat\",\"attempt\":1}");
    var noOutcome =
        api.post(
            tenant,
            "/api/v1/tasks/" + external + "/reports",
            "{\"type\":\"finished\",\"attempt\":1}");

    assertThat(notExternal.status()).isEqualTo(409);
    assertThat(notExternal.json().get("type").asString()).endsWith("/not-external");
    assertThat(beforeStart.status()).isEqualTo(409);
    assertThat(beforeStart.json().get("type").asString()).endsWith("/invalid-transition");
    assertThat(noOutcome.status()).isEqualTo(400);
    assertThat(show(external).get("status").asString()).isEqualTo("queued");
    assertThat(show(runnerTask).get("status").asString()).isEqualTo("queued");
  }

  private JsonNode report(String id, String body) {
    var answer = api.post(tenant, "/api/v1/tasks/" + id + "/reports", body);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json();
  }
}

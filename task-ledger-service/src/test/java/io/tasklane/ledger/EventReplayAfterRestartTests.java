package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The SSE replay comes from storage, so a client reconnecting to a restarted ledger misses nothing.
 */
class EventReplayAfterRestartTests {

  private static final String DATABASE = "sse-restart";
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aReconnectAfterARestartReplaysEverythingAfterTheLastEventId() {
    String id;
    List<Long> seen;
    try (var before = LedgerProcess.start(DATABASE)) {
      LedgerApi api = before.api();
      var created = api.post(tenant, "/api/v1/tasks", "{\"goal\":\"Outlive the ledger\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      id = created.json().get("taskId").asString();
      api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);
      api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);
      try (var stream = SseClient.open(api, tenant, "/api/v1/tasks/" + id + "/events", null)) {
        await()
            .atMost(PATIENCE)
            .untilAsserted(
                () ->
                    assertThat(stream.ids())
                        .as(
                            "status %d, outbox %s",
                            stream.status(),
                            before
                                .jdbc()
                                .sql("select id, topic, published_seq from outbox")
                                .query()
                                .listOfRows())
                        .hasSize(3));
        seen = stream.ids();
      }
    }

    try (var after = LedgerProcess.start(DATABASE)) {
      LedgerApi api = after.api();
      try (var task =
              SseClient.open(api, tenant, "/api/v1/tasks/" + id + "/events", seen.getFirst());
          var all = SseClient.open(api, tenant, "/api/v1/events", seen.getFirst())) {
        api.post(tenant, "/api/v1/tasks/" + id + "/pause", null);

        await()
            .atMost(PATIENCE)
            .untilAsserted(
                () ->
                    assertThat(task.ids().size() + all.ids().size())
                        .as(
                            "seen %s, task %s, all %s, outbox %s",
                            seen,
                            task.ids(),
                            all.ids(),
                            after
                                .jdbc()
                                .sql("select id, topic, published_seq from outbox")
                                .query()
                                .listOfRows())
                        .isGreaterThanOrEqualTo(6));
        assertThat(task.ids().subList(0, 2)).containsExactlyElementsOf(seen.subList(1, 3));
        assertThat(task.events().get(2).data().get("data").get("status").asString())
            .isEqualTo("paused");
        assertThat(task.events()).hasSize(3);
        assertThat(all.ids()).isEqualTo(task.ids());
      }
    }
  }

  @Test
  void stoppingALedgerEndsItsOpenStreamsRatherThanWaitingOutTheShutdownTimeout() {
    try (var ledger = LedgerProcess.start(DATABASE, "server.shutdown=graceful");
        var stream = SseClient.open(ledger.api(), tenant, "/api/v1/events", null)) {
      assertThat(stream.status()).isEqualTo(200);
      long started = System.nanoTime();

      ledger.close();

      // the web server's graceful shutdown would wait up to 30 s for a stream left open
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
      await().atMost(Duration.ofSeconds(5)).until(stream::ended);
    }
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Messages are written to the outbox in the transaction of the change. A ledger that stops before
 * publishing them loses nothing: the next one publishes each of them once, in order per task.
 */
class OutboxCrashSafetyTests {

  private static final String DATABASE = "outbox-crash";
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void messagesWrittenBeforeACrashArePublishedOnceByTheNextLedger() {
    List<String> tasks = new ArrayList<>();
    try (var crashed = LedgerProcess.start(DATABASE, "tasklane.ledger.relay.enabled=false");
        var lifecycle = new Broker.TopicReader(Topics.TASK_LIFECYCLE);
        var dispatch = new Broker.TopicReader(Topics.TASK_DISPATCH)) {
      LedgerApi api = crashed.api();
      for (int i = 0; i < 5; i++) {
        var created = api.post(tenant, "/api/v1/tasks", "{\"goal\":\"survive " + i + "\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("taskId").asString();
        assertThat(api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null).status())
            .isEqualTo(200);
        assertThat(api.post(tenant, "/api/v1/tasks/" + id + "/retry", null).status())
            .isEqualTo(200);
        tasks.add(id);
      }

      assertThat(unpublished(crashed)).isEqualTo(25);
      assertThat(lifecycle.readToEnd(tenant)).isEmpty();
      assertThat(dispatch.readToEnd(tenant)).isEmpty();
      assertThat(metric(api, "tasklane_outbox_backlog")).isGreaterThanOrEqualTo(25);
    }

    try (var restarted = LedgerProcess.start(DATABASE);
        var lifecycle = new Broker.TopicReader(Topics.TASK_LIFECYCLE);
        var dispatch = new Broker.TopicReader(Topics.TASK_DISPATCH)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> unpublished(restarted) == 0);

      List<JsonNode> events = lifecycle.readToEnd(tenant);
      List<JsonNode> dispatches = dispatch.readToEnd(tenant);
      assertThat(events).hasSize(15);
      assertThat(events).extracting(e -> e.get("id").asString()).doesNotHaveDuplicates();
      assertThat(dispatches).hasSize(10);
      assertThat(dispatches).extracting(d -> d.get("messageId").asString()).doesNotHaveDuplicates();
      Map<String, List<String>> eventsByTask =
          perTask(
              events,
              e -> e.get("sequence").asString() + ":" + e.get("data").get("status").asString(),
              "subject");
      Map<String, List<String>> dispatchesByTask =
          perTask(
              dispatches,
              d -> d.get("reason").asString() + "@" + d.get("attempt").asInt(),
              "taskId");
      assertThat(eventsByTask).containsOnlyKeys(tasks);
      assertThat(dispatchesByTask).containsOnlyKeys(tasks);
      for (String task : tasks) {
        assertThat(eventsByTask.get(task)).containsExactly("1:queued", "2:cancelled", "3:queued");
        assertThat(dispatchesByTask.get(task)).containsExactly("created@1", "retry@2");
      }
    }
  }

  private long unpublished(LedgerProcess ledger) {
    return ledger
        .jdbc()
        .sql("select count(*) from outbox where tenant = :tenant and published_seq is null")
        .param("tenant", tenant)
        .query(Long.class)
        .single();
  }

  private static double metric(LedgerApi api, String name) {
    return api.get(null, "/actuator/prometheus")
        .body()
        .lines()
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static Map<String, List<String>> perTask(
      List<JsonNode> records, java.util.function.Function<JsonNode, String> describe, String key) {
    return records.stream()
        .collect(
            Collectors.groupingBy(
                r -> r.get(key).asString(), Collectors.mapping(describe, Collectors.toList())));
  }
}

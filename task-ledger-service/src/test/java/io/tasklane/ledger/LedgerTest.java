package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A ledger on a random port against a real PostgreSQL database and a real Kafka broker. Each test
 * works in a fresh tenant, so tests never see each other's tasks.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class LedgerTest {

  protected static final Duration PATIENCE = Duration.ofSeconds(30);

  @LocalServerPort protected int port;
  @Autowired protected JdbcClient jdbc;
  protected LedgerApi api;
  protected String tenant;

  @DynamicPropertySource
  static void realComponents(DynamicPropertyRegistry registry) {
    TestPostgres.get().database("ledger").register(registry);
    TestKafka.get().register(registry);
    registry.add("tasklane.ledger.relay.interval", () -> "50ms");
    registry.add("tasklane.ledger.events.poll-interval", () -> "50ms");
    registry.add("tasklane.ledger.events.heartbeat", () -> "200ms");
  }

  @BeforeEach
  void freshTenant() {
    api = new LedgerApi(port);
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates a task in the test's tenant and returns it as the API shows it. */
  protected JsonNode createTask(String body) {
    var created = api.post(tenant, "/api/v1/tasks", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  protected String createTaskId(String body) {
    return createTask(body).get("taskId").asString();
  }

  protected JsonNode show(String taskId) {
    var shown = api.get(tenant, "/api/v1/tasks/" + taskId);
    assertThat(shown.status()).as(shown.body()).isEqualTo(200);
    return shown.json();
  }

  /** Waits until the task, as the API shows it, satisfies {@code condition}; returns it. */
  protected JsonNode awaitTask(String taskId, Predicate<JsonNode> condition) {
    return await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> show(taskId), condition::test);
  }

  protected List<JsonNode> journal(String taskId) {
    var page = api.get(tenant, "/api/v1/tasks/" + taskId + "/journal");
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    return new ArrayList<>(page.json().get("items").values());
  }

  protected List<JsonNode> journalOfType(String taskId, String type) {
    return journal(taskId).stream().filter(e -> e.get("type").asString().equals(type)).toList();
  }

  /** Claims {@code attempt} of a task as a runner and returns the grant. */
  protected JsonNode claim(String taskId, int attempt) {
    var claimed = api.post(null, claimPath(taskId), claimBody("runner-a", attempt));
    assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
    return claimed.json();
  }

  protected static String claimPath(String taskId) {
    return "/internal/v1/tasks/" + taskId + "/claim";
  }

  protected static String claimBody(String runnerId, int attempt) {
    return "{\"runnerId\":\"" + runnerId + "\",\"attempt\":" + attempt + "}";
  }

  /** The ids of every task of the test's tenant, newest first, read through the listing. */
  protected List<String> listedTaskIds(String query) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      String path =
          "/api/v1/tasks?limit=500"
              + (query.isEmpty() ? "" : "&" + query)
              + (cursor == null ? "" : "&cursor=" + cursor);
      var page = api.get(tenant, path);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      page.json().get("items").values().forEach(item -> ids.add(item.get("taskId").asString()));
      JsonNode next = page.json().get("nextCursor");
      cursor = next == null || next.isNull() ? null : next.asString();
    } while (cursor != null);
    return ids;
  }

  /** Waits until every message the ledger wrote for the tenant has reached the broker. */
  protected void awaitOutboxPublished() {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                jdbc.sql(
                            "select count(*) from outbox where tenant = :tenant"
                                + " and published_seq is null")
                        .param("tenant", tenant)
                        .query(Long.class)
                        .single()
                    == 0);
  }

  /** The {@code tasklane.reports.ignored} counter for {@code reason}, read from Prometheus. */
  protected double ignoredReports(String reason) {
    return counter("tasklane_reports_ignored_total", "reason", reason);
  }

  /** A counter summed over the series with {@code label="value"}, read from Prometheus. */
  protected double counter(String name, String label, String value) {
    var scrape = api.get(null, "/actuator/prometheus");
    assertThat(scrape.status()).isEqualTo(200);
    return scrape
        .body()
        .lines()
        .filter(line -> line.startsWith(name + "{"))
        .filter(line -> line.contains(label + "=\"" + value + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Scheduled work with two ledgers on one database: each firing and each recovery happens once. */
class ClusterTests {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String SMALL_POOL = "spring.datasource.hikari.maximum-pool-size=5";
  private static final String[] PAIR = {
    SMALL_POOL,
    "tasklane.ledger.cron.poll-interval=50ms",
    "tasklane.ledger.maintenance.scheduled=true",
    "tasklane.ledger.maintenance.interval=100ms",
    "tasklane.ledger.lease=1s",
    "tasklane.ledger.recovery.grace=0s"
  };
  private static LedgerProcess first;
  private static LedgerProcess second;
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void twoLedgersOnOneDatabase() {
    first = LedgerProcess.start("cluster", PAIR);
    second = LedgerProcess.start("cluster", PAIR);
  }

  @AfterAll
  static void stopBoth() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  @Test
  void aCronJobFiresOnceForEachScheduledTimeWhileTwoLedgersRun() {
    var job = first.api().post(tenant, "/api/v1/cron-jobs", TICK);
    assertThat(job.status()).as(job.body()).isEqualTo(201);
    String jobId = job.json().get("cronJobId").asString();

    await().atMost(PATIENCE).until(() -> cronTasks(second.api()).size(), n -> n >= 4);
    second.api().post(tenant, "/api/v1/cron-jobs/" + jobId + "/disable", null);

    List<JsonNode> tasks = cronTasks(first.api());
    assertThat(tasks)
        .extracting(t -> t.get("metadata").get("scheduledFor").asString())
        .doesNotHaveDuplicates();
    JsonNode shown = first.api().get(tenant, "/api/v1/cron-jobs/" + jobId).json();
    assertThat(shown.get("firings").asInt()).isEqualTo(tasks.size());
  }

  @Test
  void scheduledMaintenanceRecoversAnExpiredLeaseOnceWhileTwoLedgersRun() {
    var created = first.api().post(tenant, "/api/v1/tasks", "{\"goal\":\"Claimed, then silence\"}");
    String id = created.json().get("taskId").asString();
    var claimed =
        second
            .api()
            .post(
                null,
                "/internal/v1/tasks/" + id + "/claim",
                "{\"runnerId\":\"runner-gone\",\"attempt\":1}");
    assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);

    JsonNode recovered =
        await()
            .atMost(PATIENCE)
            .until(
                () -> first.api().get(tenant, "/api/v1/tasks/" + id).json(),
                t -> t.get("status").asString().equals("queued"));

    assertThat(recovered.get("attempt").asInt()).isEqualTo(2);
    List<JsonNode> journal = new ArrayList<>();
    second
        .api()
        .get(tenant, "/api/v1/tasks/" + id + "/journal")
        .json()
        .get("items")
        .values()
        .forEach(journal::add);
    assertThat(journal).filteredOn(e -> e.get("type").asString().equals("recovery")).hasSize(1);
  }

  @Test
  void firingsMissedWhileNoLedgerRanBecomeOneCatchUpFiring() throws Exception {
    Instant firstDue;
    String jobId;
    try (var before =
        LedgerProcess.start("cron-downtime", SMALL_POOL, "tasklane.ledger.cron.enabled=false")) {
      var job = before.api().post(tenant, "/api/v1/cron-jobs", TICK);
      assertThat(job.status()).as(job.body()).isEqualTo(201);
      jobId = job.json().get("cronJobId").asString();
      firstDue = Instant.parse(job.json().get("nextFireAt").asString());
    }
    // The downtime: every second is a firing nobody makes.
    Thread.sleep(3_000);

    try (var after =
        LedgerProcess.start(
            "cron-downtime", SMALL_POOL, "tasklane.ledger.cron.poll-interval=50ms")) {
      Instant restarted = Instant.now();
      await().atMost(PATIENCE).until(() -> cronTasks(after.api()).size(), n -> n >= 2);
      after.api().post(tenant, "/api/v1/cron-jobs/" + jobId + "/disable", null);

      List<Instant> scheduledFor =
          cronTasks(after.api()).stream()
              .map(t -> Instant.parse(t.get("metadata").get("scheduledFor").asString()))
              .toList();
      assertThat(scheduledFor.stream().filter(at -> at.isBefore(restarted)))
          .containsExactly(firstDue);
    }
  }

  private static final String TICK =
      """
      {"name":"tick","cronExpression":"* * * * * *","task":{"goal":"Tick"}}
      """;

  private List<JsonNode> cronTasks(LedgerApi api) {
    List<JsonNode> tasks = new ArrayList<>();
    for (JsonNode item :
        api.get(tenant, "/api/v1/tasks?runtime=cron&limit=500").json().get("items").values()) {
      tasks.add(api.get(tenant, "/api/v1/tasks/" + item.get("taskId").asString()).json());
    }
    return tasks;
  }
}

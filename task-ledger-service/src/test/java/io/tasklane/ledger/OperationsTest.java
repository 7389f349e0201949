package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A ledger whose operational clocks run in seconds rather than minutes (lease, grace, audit
 * thresholds, retention), so stale, lost and expired records come about for real within a test.
 */
@TestPropertySource(
    properties = {
      "spring.datasource.hikari.maximum-pool-size=5",
      "tasklane.ledger.consumer-group=task-ledger-operations",
      "tasklane.ledger.lease=1s",
      "tasklane.ledger.recovery.grace=200ms",
      "tasklane.ledger.recovery.max-recoveries=2",
      "tasklane.ledger.recovery.redispatch-after=1s",
      "tasklane.ledger.audit.stale-queued=1s",
      "tasklane.ledger.audit.stale-running=1s",
      "tasklane.ledger.audit.missing-cleanup=0s",
      "tasklane.ledger.audit.flow-stale-running=1s",
      "tasklane.ledger.audit.flow-stale-waiting=1s",
      "tasklane.ledger.audit.flow-stale-blocked=1s",
      "tasklane.ledger.audit.cancel-stuck=0s",
      "tasklane.ledger.audit.missing-linked-tasks=1s",
      "tasklane.ledger.audit.delivery-pending=1s",
      "tasklane.ledger.maintenance.terminal-retention=1s",
      "tasklane.ledger.maintenance.lost-retention=1h"
    })
abstract class OperationsTest extends LedgerTest {

  /** The tenant's audit as the API shows it. */
  protected JsonNode audit(String query) {
    var audit = api.get(tenant, "/api/v1/audit" + (query.isEmpty() ? "" : "?" + query));
    assertThat(audit.status()).as(audit.body()).isEqualTo(200);
    return audit.json();
  }

  /** Waits until the audit of the tenant reports {@code code} for {@code id}; returns it. */
  protected JsonNode awaitFinding(String code, String kind, String id) {
    return await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> finding(code, kind, id), found -> found != null);
  }

  protected JsonNode finding(String code, String kind, String id) {
    for (JsonNode finding : audit("code=" + code + "&limit=1000").get("findings").values()) {
      if (finding.get("kind").asString().equals(kind)
          && id.equals(finding.path(kind + "Id").asString(null))) {
        return finding;
      }
    }
    return null;
  }

  protected JsonNode maintenance(boolean apply) {
    var report = api.post(tenant, "/api/v1/maintenance" + (apply ? "?apply=true" : ""), null);
    assertThat(report.status()).as(report.body()).isEqualTo(200);
    return report.json();
  }

  protected String createFlow(String goal) {
    var created = api.post(tenant, "/api/v1/flows", "{\"goal\":\"" + goal + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("flowId").asString();
  }

  protected JsonNode flow(String flowId) {
    var shown = api.get(tenant, "/api/v1/flows/" + flowId);
    assertThat(shown.status()).as(shown.body()).isEqualTo(200);
    return shown.json();
  }

  protected List<String> actionTargets(JsonNode report, String action) {
    return report.get("actions").values().stream()
        .filter(a -> a.get("action").asString().equals(action))
        .map(a -> a.has("taskId") ? a.get("taskId").asString() : a.get("flowId").asString())
        .toList();
  }

  protected static String randomId() {
    return UUID.randomUUID().toString();
  }
}

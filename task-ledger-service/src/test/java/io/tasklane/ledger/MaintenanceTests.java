package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MaintenanceTests extends OperationsTest {

  @Test
  void aPreviewChangesNothingAndApplyDoesWhatThePreviewReported() {
    String quiet = createTaskId("{\"goal\":\"Runner goes quiet\"}");
    claim(quiet, 1);
    String unclaimed = createTaskId("{\"goal\":\"Nobody claims me\"}");
    String ended = createTaskId("{\"goal\":\"Cancelled early\"}");
    api.post(tenant, "/api/v1/tasks/" + ended + "/cancel", null);

    JsonNode preview =
        await()
            .atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> maintenance(false),
                r -> r.get("recovered").asInt() == 1 && r.get("reconciled").asInt() == 1);
    List<JsonNode> before = List.of(show(quiet), show(unclaimed), show(ended));
    List<Integer> journals =
        List.of(journal(quiet).size(), journal(unclaimed).size(), journal(ended).size());

    assertThat(preview.get("mode").asString()).isEqualTo("preview");
    assertThat(preview.get("cleanupStamped").asInt()).isEqualTo(1);
    assertThat(preview.get("pruned").asInt()).isZero();
    assertThat(actionTargets(preview, "recover")).containsExactly(quiet);
    assertThat(actionTargets(preview, "redispatch")).containsExactly(unclaimed);
    assertThat(actionTargets(preview, "stamp_cleanup")).containsExactly(ended);
    assertThat(preview.get("auditBefore").get("summary").get("byCode").get("stale_running").asInt())
        .isEqualTo(1);
    assertThat(preview.get("auditAfter")).isEqualTo(preview.get("auditBefore"));
    assertThat(explanation(preview, "stale_running").get("fixedByMaintenance").asBoolean())
        .isTrue();
    assertThat(List.of(show(quiet), show(unclaimed), show(ended))).isEqualTo(before);
    assertThat(List.of(journal(quiet).size(), journal(unclaimed).size(), journal(ended).size()))
        .isEqualTo(journals);

    JsonNode applied = maintenance(true);

    assertThat(applied.get("mode").asString()).isEqualTo("apply");
    assertThat(applied.get("recovered").asInt()).isEqualTo(1);
    assertThat(applied.get("reconciled").asInt()).isEqualTo(1);
    assertThat(applied.get("cleanupStamped").asInt()).isEqualTo(1);
    assertThat(show(quiet).get("status").asString()).isEqualTo("queued");
    assertThat(show(quiet).get("attempt").asInt()).isEqualTo(2);
    assertThat(
            journalOfType(unclaimed, "recovery").getFirst().get("payload").get("action").asString())
        .isEqualTo("redispatch");
    assertThat(show(ended).get("cleanupAfter").isNull()).isFalse();
    JsonNode after = applied.get("auditAfter").get("summary").get("byCode");
    assertThat(after.has("stale_running")).isFalse();
    assertThat(after.has("missing_cleanup")).isFalse();

    JsonNode next = maintenance(false);
    assertThat(next.get("recovered").asInt()).isZero();
    assertThat(next.get("reconciled").asInt()).isZero();
    assertThat(next.get("cleanupStamped").asInt()).isZero();
  }

  @Test
  void whatMaintenanceLeavesAloneItExplains() {
    String flowId = createFlow("Blocked for good");
    String failing =
        createTaskId(
            "{\"goal\":\"fails\",\"executor\":\"external\",\"parentFlowId\":\"" + flowId + "\"}");
    api.post(
        tenant, "/api/v1/tasks/" + failing + "/reports", "{\"type\":\"started\",\"attempt\":1}");
    api.post(
        tenant,
        "/api/v1/tasks/" + failing + "/reports",
        "{\"type\":\"finished\",\"attempt\":1,\"outcome\":\"failed\",\"error\":\"bad input\"}");
    awaitFinding("stale_blocked", "flow", flowId);

    JsonNode applied = maintenance(true);

    JsonNode explanation = explanation(applied, "stale_blocked");
    assertThat(explanation.get("fixedByMaintenance").asBoolean()).isFalse();
    assertThat(explanation.get("how").asString()).contains("retry");
    assertThat(flow(flowId).get("status").asString()).isEqualTo("blocked");
    assertThat(applied.get("auditAfter").get("summary").get("byCode").get("stale_blocked").asInt())
        .isEqualTo(1);
  }

  private static JsonNode explanation(JsonNode report, String code) {
    return report.get("explanations").values().stream()
        .filter(e -> e.get("code").asString().equals(code))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no explanation for " + code + " in " + report));
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TaskStatsTests extends LedgerTest {

  @Test
  void statsCountTheTenantsTasksByStatusAndWhatWasCreatedAndEndedInTheLastHour() {
    createTaskId("{\"goal\":\"waits\"}");
    createTaskId("{\"goal\":\"waits too\"}");
    String cancelled = createTaskId("{\"goal\":\"cancelled\"}");
    api.post(tenant, "/api/v1/tasks/" + cancelled + "/cancel", null);
    api.post("someone-else", "/api/v1/tasks", "{\"goal\":\"not ours\"}");

    var response = api.get(tenant, "/api/v1/stats");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode stats = response.json();
    assertThat(stats.get("byStatus").get("queued").asLong()).isEqualTo(2);
    assertThat(stats.get("byStatus").get("cancelled").asLong()).isEqualTo(1);
    assertThat(stats.get("byStatus").size()).isEqualTo(2);
    assertThat(stats.get("bucketSeconds").asInt()).isEqualTo(300);
    List<JsonNode> buckets = new ArrayList<>();
    stats.get("lastHour").forEach(buckets::add);
    assertThat(buckets).hasSize(12);
    assertThat(buckets.stream().mapToLong(b -> b.get("created").asLong()).sum()).isEqualTo(3);
    assertThat(buckets.getLast().get("created").asLong()).isEqualTo(3);
    assertThat(buckets.getLast().get("ended").get("cancelled").asLong()).isEqualTo(1);
    assertThat(stats.get("figures").get("ended").asLong()).isEqualTo(1);
    assertThat(stats.get("figures").has("medianRunSeconds")).isFalse();
  }

  @Test
  void aTenantWithoutTasksHasEmptyStats() {
    JsonNode stats = api.get(tenant, "/api/v1/stats").json();

    assertThat(stats.get("byStatus").size()).isZero();
    assertThat(stats.get("figures").get("ended").asLong()).isZero();
    assertThat(stats.get("lastHour")).hasSize(12);
  }

  @Test
  void listedTasksCarryTheirReasonAndPlanPosition() {
    String planned =
        createTaskId(
            """
            {"goal":"g","plan":[{"description":"a","doneWhen":"a done"},
                                {"description":"b","doneWhen":"b done"}]}
            """);
    api.post(tenant, "/api/v1/tasks/" + planned + "/cancel", "{\"reason\":\"not needed\"}");

    JsonNode row = api.get(tenant, "/api/v1/tasks").json().get("items").get(0);

    assertThat(row.get("taskId").asString()).isEqualTo(planned);
    assertThat(row.get("stepCount").asInt()).isEqualTo(2);
    assertThat(row.get("currentStep").asInt()).isZero();
    assertThat(row.get("statusReason").asString()).contains("not needed");
  }
}

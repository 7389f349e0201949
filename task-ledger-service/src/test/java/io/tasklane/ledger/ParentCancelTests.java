package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.Topics;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ParentCancelTests extends LedgerTest {

  @Test
  void cancellingATaskCancelsTheTasksItSpawnedThatAreStillActive() {
    String parent = createTaskId("{\"goal\":\"Research and write\"}");
    String running = createTaskId(childOf(parent, "Collect sources"));
    String queued = createTaskId(childOf(parent, "Draft the summary"));
    String grandchild = createTaskId(childOf(running, "Fetch one source"));
    String finished = createTaskId(childOf(parent, "Pick a title"));
    claim(running, 1);
    claim(finished, 1);
    var runner = new ScriptedRunner(finished, tenant, 1);
    runner.succeed("titled");
    awaitTask(finished, t -> t.get("status").asString().equals("succeeded"));

    try (var control = new Broker.TopicReader(Topics.TASK_CONTROL)) {
      var cancelled =
          api.post(tenant, "/api/v1/tasks/" + parent + "/cancel", "{\"reason\":\"not needed\"}");

      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
      assertThat(cancelled.json().get("statusReason").asString()).isEqualTo("not needed");
      for (String descendant : new String[] {running, queued, grandchild}) {
        JsonNode task = show(descendant);
        assertThat(task.get("status").asString()).as(descendant).isEqualTo("cancelled");
        assertThat(task.get("statusReason").asString())
            .as(descendant)
            .startsWith("parent task ")
            .endsWith(" cancelled");
      }
      assertThat(show(finished).get("status").asString()).isEqualTo("succeeded");
      awaitOutboxPublished();
      assertThat(control.readToEnd(tenant))
          .extracting(m -> m.get("taskId").asString() + ":" + m.get("command").asString())
          .containsExactly(running + ":cancel");
    }
  }

  @Test
  void cancellingAChildLeavesItsParentAlone() {
    String parent = createTaskId("{\"goal\":\"Plan a trip\"}");
    String child = createTaskId(childOf(parent, "Book a hotel"));

    var cancelled = api.post(tenant, "/api/v1/tasks/" + child + "/cancel", null);

    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(show(parent).get("status").asString()).isEqualTo("queued");
  }

  private static String childOf(String parentId, String goal) {
    return "{\"goal\":\"" + goal + "\",\"parentTaskId\":\"" + parentId + "\"}";
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FlowTests extends OperationsTest {

  @Test
  void aFlowRollsUpFromItsTasksAndShowsThemWithCounts() {
    String flowId = createFlow("Ship the release");
    assertThat(flow(flowId).get("status").asString()).isEqualTo("queued");
    String first = createTaskId(linked(flowId, "Build"));
    String second = createTaskId(linked(flowId, "Publish"));

    claim(first, 1);

    JsonNode shown = flow(flowId);
    assertThat(shown.get("status").asString()).isEqualTo("running");
    assertThat(shown.get("tasks").values())
        .extracting(t -> t.get("taskId").asString())
        .containsExactlyInAnyOrder(first, second);
    assertThat(shown.get("summary").get("total").asInt()).isEqualTo(2);
    assertThat(shown.get("summary").get("byStatus").get("running").asInt()).isEqualTo(1);
    assertThat(shown.get("summary").get("byStatus").get("queued").asInt()).isEqualTo(1);

    finish(first, 1, TaskStatus.SUCCEEDED);
    api.post(tenant, "/api/v1/tasks/" + second + "/cancel", null);
    await()
        .atMost(PATIENCE)
        .until(() -> flow(flowId).get("status").asString(), s -> s.equals("cancelled"));
    api.post(tenant, "/api/v1/tasks/" + second + "/retry", null);
    claim(second, 2);
    finish(second, 2, TaskStatus.SUCCEEDED);
    await()
        .atMost(PATIENCE)
        .until(() -> flow(flowId).get("status").asString(), s -> s.equals("succeeded"));
    assertThat(flow(flowId).get("endedAt").isNull()).isFalse();
  }

  @Test
  void aFlowBlockedByAFailedTaskReopensWhenThatTaskIsRetried() {
    String flowId = createFlow("Migrate the database");
    String taskId = createTaskId(linked(flowId, "Run the migration"));
    claim(taskId, 1);
    finishFailed(taskId, 1, "disk full");

    JsonNode blocked =
        await()
            .atMost(PATIENCE)
            .until(() -> flow(flowId), f -> f.get("status").asString().equals("blocked"));
    assertThat(blocked.get("blockedTaskId").asString()).isEqualTo(taskId);
    assertThat(blocked.get("blockedSummary").asString()).contains("disk full");
    long blockedRevision = blocked.get("revision").asLong();

    var retried = api.post(tenant, "/api/v1/tasks/" + taskId + "/retry", null);
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);

    JsonNode reopened = flow(flowId);
    assertThat(reopened.get("flowId").asString()).isEqualTo(flowId);
    assertThat(reopened.get("status").asString()).isEqualTo("queued");
    assertThat(reopened.has("blockedTaskId")).isFalse();
    assertThat(reopened.get("revision").asLong()).isGreaterThan(blockedRevision);
    assertThat(api.get(tenant, "/api/v1/flows").json().values())
        .extracting(f -> f.get("flowId").asString())
        .containsExactly(flowId);

    claim(taskId, 2);
    finish(taskId, 2, TaskStatus.SUCCEEDED);
    await()
        .atMost(PATIENCE)
        .until(() -> flow(flowId).get("status").asString(), s -> s.equals("succeeded"));
  }

  @Test
  void aTaskThatNeedsAssistanceBlocksItsFlowUntilItIsResumed() {
    String flowId = createFlow("Triage the inbox");
    String taskId = createTaskId(linked(flowId, "Sort the mail"));
    claim(taskId, 1);
    var runner = new ScriptedRunner(taskId, tenant, 1);
    runner.send(runner.needsAssistance("which folder?", ScriptedRunner.context(0)));
    await()
        .atMost(PATIENCE)
        .until(() -> flow(flowId).get("status").asString(), s -> s.equals("blocked"));
    assertThat(flow(flowId).get("blockedSummary").asString()).contains("which folder?");

    api.post(tenant, "/api/v1/tasks/" + taskId + "/resume", "{\"message\":\"archive\"}");

    assertThat(flow(flowId).get("status").asString()).isEqualTo("queued");
  }

  @Test
  void cancellingAFlowCancelsItsRunningTasksAndRefusesNewOnes() {
    String flowId = createFlow("Crawl the docs");
    String running = createTaskId(linked(flowId, "Crawl part one"));
    String queued = createTaskId(linked(flowId, "Crawl part two"));
    claim(running, 1);

    try (var control = new Broker.TopicReader(Topics.TASK_CONTROL)) {
      var cancelled =
          api.post(tenant, "/api/v1/flows/" + flowId + "/cancel", "{\"reason\":\"wrong site\"}");

      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
      assertThat(cancelled.json().get("cancelRequestedAt").isNull()).isFalse();
      assertThat(show(running).get("status").asString()).isEqualTo("cancelled");
      assertThat(show(running).get("statusReason").asString()).isEqualTo("wrong site");
      assertThat(show(queued).get("status").asString()).isEqualTo("cancelled");
      awaitOutboxPublished();
      assertThat(control.readToEnd(tenant))
          .extracting(m -> m.get("taskId").asString() + ":" + m.get("command").asString())
          .containsExactly(running + ":cancel");
    }

    double created = counter("tasklane_tasks_creations_total", "runtime", "subagent");
    assertThat(created).as("the two tasks of this flow were counted").isGreaterThanOrEqualTo(2);
    var refused = api.post(tenant, "/api/v1/tasks", linked(flowId, "One more part"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.json().get("type").asString()).endsWith("/flow-cancelled");
    assertThat(counter("tasklane_tasks_creations_total", "runtime", "subagent"))
        .as("a refused create is not counted")
        .isEqualTo(created);
    assertThat(flow(flowId).get("summary").get("total").asInt()).isEqualTo(2);
    var again = api.post(tenant, "/api/v1/flows/" + flowId + "/cancel", null);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("status").asString()).isEqualTo("cancelled");
  }

  @Test
  void aTaskCannotLinkToAFlowThatDoesNotExistOrBelongsToAnotherTenant() {
    String otherTenantsFlow = createFlow("Someone else's");
    tenant = tenant + "-other";

    var unknown = api.post(tenant, "/api/v1/tasks", linked(randomId(), "Orphan"));
    var foreign = api.post(tenant, "/api/v1/tasks", linked(otherTenantsFlow, "Intruder"));

    assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
    assertThat(unknown.json().get("errors").get(0).get("field").asString())
        .isEqualTo("parentFlowId");
    assertThat(foreign.status()).as(foreign.body()).isEqualTo(400);
    assertThat(api.get(tenant, "/api/v1/flows/" + otherTenantsFlow).status()).isEqualTo(404);
    assertThat(listedTaskIds("")).isEmpty();
  }

  @Test
  void flowWritesCompareAndSetTheRevision() {
    String flowId = createFlow("Write the report");
    long revision = flow(flowId).get("revision").asLong();

    var stale = patch(flowId, "\"" + (revision + 5) + "\"", "{\"currentStep\":2}");
    var missing = patch(flowId, null, "{\"currentStep\":2}");
    assertThat(stale.status()).as(stale.body()).isEqualTo(412);
    assertThat(stale.json().get("currentRevision").asLong()).isEqualTo(revision);
    assertThat(missing.status()).as(missing.body()).isEqualTo(428);
    assertThat(flow(flowId).get("currentStep").asInt()).isZero();

    var written =
        patch(flowId, "\"" + revision + "\"", "{\"currentStep\":2,\"state\":{\"draft\":\"v1\"}}");
    assertThat(written.status()).as(written.body()).isEqualTo(200);
    assertThat(written.header("ETag")).isEqualTo("\"" + (revision + 1) + "\"");
    JsonNode shown = flow(flowId);
    assertThat(shown.get("revision").asLong()).isEqualTo(revision + 1);
    assertThat(shown.get("currentStep").asInt()).isEqualTo(2);
    assertThat(shown.get("state").get("draft").asString()).isEqualTo("v1");

    var staleCancel =
        api.post(
            tenant,
            "/api/v1/flows/" + flowId + "/cancel",
            "{\"expectedRevision\":" + revision + "}");
    assertThat(staleCancel.status()).isEqualTo(412);
    assertThat(flow(flowId).get("status").asString()).isEqualTo("queued");
  }

  private LedgerApi.Response patch(String flowId, String ifMatch, String body) {
    HttpRequest.Builder request =
        api.request(tenant, "/api/v1/flows/" + flowId)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return api.send(request);
  }

  private static String linked(String flowId, String goal) {
    return "{\"goal\":\"" + goal + "\",\"parentFlowId\":\"" + flowId + "\"}";
  }

  private void finish(String taskId, int attempt, TaskStatus outcome) {
    var runner = new ScriptedRunner(taskId, tenant, attempt);
    if (outcome == TaskStatus.SUCCEEDED) {
      runner.succeed("done");
    } else {
      runner.send(runner.finished(outcome, "done", null));
    }
    awaitTask(taskId, t -> t.get("status").asString().equals(outcome.wire()));
  }

  private void finishFailed(String taskId, int attempt, String error) {
    var runner = new ScriptedRunner(taskId, tenant, attempt);
    runner.send(runner.finished(TaskStatus.FAILED, null, error));
    awaitTask(taskId, t -> t.get("status").asString().equals("failed"));
  }
}

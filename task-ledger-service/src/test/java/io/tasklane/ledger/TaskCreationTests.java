package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TaskCreationTests extends LedgerTest {

  @Test
  void createAnswers201WithALocationAndTheRecordedTask() {
    var created =
        api.post(
            tenant,
            "/api/v1/tasks",
            """
            {"goal":"Summarise the incident","label":"incident-summary","runtime":"acp",
             "requesterSessionKey":"session-1","ownerKey":"alice","runTimeoutSeconds":600,
             "metadata":{"ticket":"INC-7"},
             "plan":[{"description":"Read the log","doneWhen":"the cause is named"}],
             "modelOptions":{"model":"m1","toolsAllowed":["shell"]}}
            """);

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode task = created.json();
    String id = task.get("taskId").asString();
    assertThat(created.header("Location")).isEqualTo("/api/v1/tasks/" + id);
    assertThat(task.get("status").asString()).isEqualTo("queued");
    assertThat(task.get("attempt").asInt()).isEqualTo(1);
    assertThat(task.get("executor").asString()).isEqualTo("runner");
    assertThat(task.get("childSessionKey").asString()).isEqualTo("task_" + id);
    assertThat(task.get("runId").asString()).isNotBlank();
    assertThat(task.get("metadata").get("ticket").asString()).isEqualTo("INC-7");
    assertThat(task.get("plan").get(0).get("status").asString()).isEqualTo("pending");
    assertThat(task.get("modelOptions").get("model").asString()).isEqualTo("m1");
    assertThat(task.get("runTimeoutSeconds").asInt()).isEqualTo(600);
    assertThat(show(id)).isEqualTo(task);
    List<JsonNode> journal = journal(id);
    assertThat(journal).hasSize(1);
    assertThat(journal.getFirst().get("type").asString()).isEqualTo("created");
  }

  @Test
  void notifyPolicyDefaultsByRuntime() {
    assertDefaults("subagent", "done_only", "pending");
    assertDefaults("acp", "done_only", "pending");
    assertDefaults("cron", "silent", "not_applicable");
    assertDefaults("cli", "silent", "not_applicable");
    JsonNode unspecified = createTask("{\"goal\":\"no runtime given\"}");
    assertThat(unspecified.get("runtime").asString()).isEqualTo("subagent");
    assertThat(unspecified.get("notifyPolicy").asString()).isEqualTo("done_only");
  }

  @Test
  void anExplicitNotifyPolicyWinsOverTheDefault() {
    JsonNode task =
        createTask(
            "{\"goal\":\"loud cron\",\"runtime\":\"cron\",\"requesterSessionKey\":\"chat-1\","
                + "\"notifyPolicy\":\"state_changes\"}");
    assertThat(task.get("notifyPolicy").asString()).isEqualTo("state_changes");
    assertThat(task.get("deliveryStatus").asString()).isEqualTo("pending");
  }

  @Test
  void aChildOfACronTaskIsSilent() {
    String parent = createTaskId("{\"goal\":\"nightly\",\"runtime\":\"cron\"}");
    JsonNode child =
        createTask(
            "{\"goal\":\"sub step\",\"runtime\":\"subagent\",\"parentTaskId\":\"" + parent + "\"}");
    assertThat(child.get("parentTaskId").asString()).isEqualTo(parent);
    assertThat(child.get("notifyPolicy").asString()).isEqualTo("silent");
    assertThat(child.get("deliveryStatus").asString()).isEqualTo("not_applicable");

    String agentParent = createTaskId("{\"goal\":\"agent work\"}");
    JsonNode agentChild =
        createTask("{\"goal\":\"sub step\",\"parentTaskId\":\"" + agentParent + "\"}");
    assertThat(agentChild.get("notifyPolicy").asString()).isEqualTo("done_only");
  }

  @Test
  void theSameIdempotencyKeyAndBodyReturnTheSameTask() {
    String body = "{\"goal\":\"Once only\",\"label\":\"once\"}";
    var first = api.post(tenant, "/api/v1/tasks", body, "Idempotency-Key", "key-1");
    var second = api.post(tenant, "/api/v1/tasks", body, "Idempotency-Key", "key-1");

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json().get("taskId")).isEqualTo(first.json().get("taskId"));
    assertThat(listedTaskIds("")).containsExactly(first.json().get("taskId").asString());
  }

  @Test
  void theSameIdempotencyKeyWithAnotherBodyIsAConflict() {
    var first =
        api.post(tenant, "/api/v1/tasks", "{\"goal\":\"First\"}", "Idempotency-Key", "key-2");
    var second =
        api.post(tenant, "/api/v1/tasks", "{\"goal\":\"Second\"}", "Idempotency-Key", "key-2");

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).as(second.body()).isEqualTo(409);
    assertThat(second.header("Content-Type")).startsWith("application/problem+json");
    assertThat(second.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/idempotency-key-reused");
    assertThat(listedTaskIds("")).containsExactly(first.json().get("taskId").asString());
  }

  @Test
  void idempotencyKeysBelongToOneTenant() {
    String body = "{\"goal\":\"Per tenant\"}";
    var mine = api.post(tenant, "/api/v1/tasks", body, "Idempotency-Key", "shared-key");
    var theirs = api.post(tenant + "-b", "/api/v1/tasks", body, "Idempotency-Key", "shared-key");

    assertThat(mine.status()).isEqualTo(201);
    assertThat(theirs.status()).isEqualTo(201);
    assertThat(theirs.json().get("taskId")).isNotEqualTo(mine.json().get("taskId"));
  }

  @Test
  void concurrentIdenticalRequestsCreateOneTask() throws Exception {
    String body = "{\"goal\":\"Race to create\"}";
    int callers = 12;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<LedgerApi.Response>> answers = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        Callable<LedgerApi.Response> call =
            () -> {
              start.await();
              return api.post(tenant, "/api/v1/tasks", body, "Idempotency-Key", "race");
            };
        answers.add(pool.submit(call));
      }
      start.countDown();
      List<LedgerApi.Response> responses = new ArrayList<>();
      for (var answer : answers) {
        responses.add(answer.get());
      }

      assertThat(responses).extracting(LedgerApi.Response::status).containsOnly(200, 201);
      assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
      assertThat(responses)
          .extracting(r -> r.json().get("taskId").asString())
          .containsOnly(responses.getFirst().json().get("taskId").asString());
      assertThat(listedTaskIds("")).hasSize(1);
    }
  }

  private void assertDefaults(String runtime, String policy, String deliveryStatus) {
    JsonNode task =
        createTask(
            "{\"goal\":\"g\",\"requesterSessionKey\":\"chat-1\",\"runtime\":\"" + runtime + "\"}");
    assertThat(task.get("notifyPolicy").asString()).as(runtime).isEqualTo(policy);
    assertThat(task.get("deliveryStatus").asString()).as(runtime).isEqualTo(deliveryStatus);
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TaskClaimTests extends LedgerTest {

  @Test
  void aClaimStartsTheTaskAndReturnsItsSpecAndResumeContext() {
    String id =
        createTaskId(
            """
            {"goal":"Fix the build","label":"build","runTimeoutSeconds":900,
             "metadata":{"repo":"core"},
             "plan":[{"description":"reproduce","doneWhen":"the failure is seen"}],
             "modelOptions":{"model":"m1","verifierModel":"v1"}}
            """);

    var granted = api.post(null, claimPath(id), claimBody("runner-7", 1));

    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    JsonNode grant = granted.json();
    assertThat(grant.get("taskId").asString()).isEqualTo(id);
    assertThat(grant.get("tenant").asString()).isEqualTo(tenant);
    assertThat(grant.get("attempt").asInt()).isEqualTo(1);
    assertThat(grant.get("goal").asString()).isEqualTo("Fix the build");
    assertThat(grant.get("childSessionKey").asString()).isEqualTo("task_" + id);
    assertThat(grant.get("notifyPolicy").asString()).isEqualTo("done_only");
    assertThat(grant.get("plan").get(0).get("description").asString()).isEqualTo("reproduce");
    assertThat(grant.get("currentStep").asInt()).isZero();
    assertThat(grant.get("resumeContext").get("currentStep").asInt()).isZero();
    assertThat(grant.get("resumeContext").get("conversation").size()).isZero();
    assertThat(grant.get("modelOptions").get("model").asString()).isEqualTo("m1");
    assertThat(grant.get("modelOptions").get("runTimeoutSeconds").asInt()).isEqualTo(900);
    assertThat(grant.get("metadata").get("repo").asString()).isEqualTo("core");
    JsonNode task = show(id);
    assertThat(task.get("status").asString()).isEqualTo("running");
    assertThat(task.get("runnerId").asString()).isEqualTo("runner-7");
    assertThat(Instant.parse(task.get("leaseExpiresAt").asString()))
        .isEqualTo(Instant.parse(grant.get("leaseExpiresAt").asString()))
        .isAfter(Instant.parse(task.get("startedAt").asString()));
  }

  @Test
  void aResumedTaskIsClaimedWithItsResumeContext() {
    String id = createTaskId("{\"goal\":\"Ask for help\"}");
    claim(id, 1);
    var runner = new ScriptedRunner(id, tenant, 1);
    runner.send(runner.needsAssistance("which branch?", ScriptedRunner.context(1, "step 0 done")));
    awaitTask(id, task -> task.get("status").asString().equals("needs_assistance"));
    api.post(tenant, "/api/v1/tasks/" + id + "/resume", "{\"message\":\"use main\"}");

    JsonNode grant = claim(id, 2);

    JsonNode conversation = grant.get("resumeContext").get("conversation");
    assertThat(grant.get("resumeContext").get("currentStep").asInt()).isEqualTo(1);
    assertThat(conversation.size()).isEqualTo(2);
    assertThat(conversation.get(0).get("content").asString()).isEqualTo("step 0 done");
    assertThat(conversation.get(1).get("role").asString()).isEqualTo("user");
    assertThat(conversation.get(1).get("content").asString()).contains("use main");
  }

  @Test
  void theSameAttemptCannotBeClaimedTwice() {
    String id = createTaskId("{\"goal\":\"Only one runner\"}");
    claim(id, 1);
    JsonNode before = show(id);

    var second = api.post(null, claimPath(id), claimBody("runner-b", 1));

    assertThat(second.status()).as(second.body()).isEqualTo(409);
    assertThat(second.header("Content-Type")).startsWith("application/problem+json");
    assertThat(second.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/not-claimable");
    assertThat(second.json().get("currentStatus").asString()).isEqualTo("running");
    JsonNode after = show(id);
    assertThat(after.get("runnerId").asString()).isEqualTo("runner-a");
    assertThat(after.get("version")).isEqualTo(before.get("version"));
  }

  @Test
  void aClaimRepeatedByItsRunnerWhoseAnswerWasLostIsGrantedAgainWithoutChangingTheTask() {
    String id = createTaskId("{\"goal\":\"Answer lost on the way\"}");
    claim(id, 1);
    JsonNode before = show(id);

    var again = api.post(null, claimPath(id), claimBody("runner-a", 1));

    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().get("attempt").asInt()).isEqualTo(1);
    assertThat(again.json().get("goal").asString()).isEqualTo("Answer lost on the way");
    assertThat(show(id)).isEqualTo(before);
  }

  @Test
  void aStaleAttemptCannotBeClaimed() {
    String id = createTaskId("{\"goal\":\"Retried\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);

    var stale = api.post(null, claimPath(id), claimBody("runner-old", 1));
    var future = api.post(null, claimPath(id), claimBody("runner-new", 3));

    assertThat(stale.status()).as(stale.body()).isEqualTo(409);
    assertThat(stale.json().get("currentStatus").asString()).isEqualTo("queued");
    assertThat(future.status()).isEqualTo(409);
    assertThat(show(id).get("status").asString()).isEqualTo("queued");
    assertThat(claim(id, 2).get("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void anUnknownTaskCannotBeClaimed() {
    var answer =
        api.post(null, claimPath("5d0c7d1e-0000-4000-8000-000000000000"), claimBody("r", 1));
    assertThat(answer.status()).isEqualTo(404);
  }

  @Test
  void concurrentClaimsGrantExactlyOne() throws Exception {
    for (int round = 0; round < 5; round++) {
      String id = createTaskId("{\"goal\":\"Contended " + round + "\"}");
      int runners = 8;
      CountDownLatch start = new CountDownLatch(1);
      List<Future<LedgerApi.Response>> answers = new ArrayList<>();
      try (var pool = Executors.newFixedThreadPool(runners)) {
        for (int i = 0; i < runners; i++) {
          String runnerId = "runner-" + i;
          answers.add(
              pool.submit(
                  () -> {
                    start.await();
                    return api.post(null, claimPath(id), claimBody(runnerId, 1));
                  }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        String winner = null;
        for (var answer : answers) {
          var response = answer.get();
          statuses.add(response.status());
          if (response.status() == 200) {
            winner = response.json().get("attempt").asString();
          }
        }
        assertThat(statuses).as("round %d", round).containsOnly(200, 409);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(winner).isEqualTo("1");
      }
      assertThat(journalOfType(id, "status_changed")).hasSize(1);
    }
  }

  @Test
  void aCancelRacingTheClaimIsAnsweredAndNeverAServerError() throws Exception {
    // the claim writes the task row and then its journal entry; a command writes its journal entry
    // and then the row: racing, one of them may lose a deadlock, which must be taken again
    for (int round = 0; round < 20; round++) {
      String id = createTaskId("{\"goal\":\"Raced " + round + "\"}");
      CountDownLatch start = new CountDownLatch(1);
      try (var pool = Executors.newFixedThreadPool(2)) {
        Future<LedgerApi.Response> claimed =
            pool.submit(
                () -> {
                  start.await();
                  return api.post(null, claimPath(id), claimBody("runner-r", 1));
                });
        Future<LedgerApi.Response> cancelled =
            pool.submit(
                () -> {
                  start.await();
                  return api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);
                });
        start.countDown();
        assertThat(claimed.get().status()).as("claim, round %d", round).isIn(200, 409);
        assertThat(cancelled.get().status()).as("cancel, round %d", round).isEqualTo(200);
      }
      assertThat(api.get(tenant, "/api/v1/tasks/" + id).json().get("status").asString())
          .isEqualTo("cancelled");
    }
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.ConversationMessage;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every tenant here may run one task at a time and create four tasks a day; the tenant {@code
 * thrifty} may also spend only 1000 tokens a day. Each test works in a fresh tenant.
 */
class TenantLimitsTests extends LedgerTest {

  static final String THRIFTY = "thrifty";

  @DynamicPropertySource
  static void limits(DynamicPropertyRegistry registry) {
    registry.add("tasklane.fairness.tenant-defaults.max-running", () -> "1");
    registry.add("tasklane.budgets.tenant-defaults.tasks-per-day", () -> "4");
    registry.add("tasklane.budgets.tenants." + THRIFTY + ".tokens-per-day", () -> "1000");
  }

  @Test
  void aClaimForATenantAtItsLimitIsHeldAndItsOldestHeldTaskIsOfferedAgainWhenARunningOneEnds() {
    String first = createTaskId("{\"goal\":\"first\"}");
    String second = createTaskId("{\"goal\":\"second\"}");
    String third = createTaskId("{\"goal\":\"third\"}");
    claim(first, 1);

    var refused = api.post(null, claimPath(second), claimBody("runner-b", 1));
    var alsoRefused = api.post(null, claimPath(third), claimBody("runner-b", 1));

    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.json().get("type").asString()).endsWith("/claim-held");
    assertThat(refused.json().get("limit").asString()).isEqualTo("max_running");
    assertThat(alsoRefused.status()).isEqualTo(409);
    JsonNode waiting = show(second);
    assertThat(waiting.get("status").asString()).isEqualTo("queued");
    assertThat(waiting.get("statusReason").asString())
        .isEqualTo("waiting: tenant " + tenant + " is at its limit of 1 running tasks");
    assertThat(dispatchReasons(second)).containsExactly("created");

    new ScriptedRunner(first, tenant, 1).succeed("done");
    awaitTask(first, task -> task.get("status").asString().equals("succeeded"));

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> assertThat(dispatchReasons(second)).containsExactly("created", "redispatch"));
    assertThat(dispatchReasons(third)).as("only one slot came free").containsExactly("created");
    claim(second, 1);
    assertThat(api.post(null, claimPath(third), claimBody("runner-b", 1)).status()).isEqualTo(409);

    api.post(tenant, "/api/v1/tasks/" + second + "/cancel", "{}");
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> assertThat(dispatchReasons(third)).containsExactly("created", "redispatch"));
    claim(third, 1);
  }

  @Test
  void anotherTenantsClaimIsNotHeldByThisTenantsLimit() {
    String mine = createTaskId("{\"goal\":\"mine\"}");
    claim(mine, 1);
    String otherTenant = tenant + "-other";
    var created = api.post(otherTenant, "/api/v1/tasks", "{\"goal\":\"theirs\"}");
    String theirs = created.json().get("taskId").asString();

    var claimed = api.post(null, claimPath(theirs), claimBody("runner-b", 1));

    assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
  }

  @Test
  void aCreateOverTheTenantsTasksPerDayIsRefusedWith429AndCreatesNothing() {
    for (int i = 0; i < 4; i++) {
      createTaskId("{\"goal\":\"task " + i + "\"}");
    }

    var refused =
        api.post(tenant, "/api/v1/tasks", "{\"goal\":\"one too many\"}", "Idempotency-Key", "k-5");

    assertThat(refused.status()).as(refused.body()).isEqualTo(429);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().get("type").asString()).endsWith("/budget-exceeded");
    assertThat(refused.json().get("budget").asString()).isEqualTo("tasks_per_day");
    assertThat(refused.json().get("limit").asLong()).isEqualTo(4);
    assertThat(refused.json().get("used").asLong()).isEqualTo(4);
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 86_401L);
    assertThat(listedTaskIds("")).hasSize(4);
    assertThat(
            jdbc.sql("select count(*) from idempotency_keys where tenant = :tenant and key = 'k-5'")
                .param("tenant", tenant)
                .query(Long.class)
                .single())
        .as("the refused create keeps no idempotency key")
        .isZero();
  }

  @Test
  void aRepeatedCreateWithItsIdempotencyKeyIsNotCountedAgain() {
    for (int i = 0; i < 4; i++) {
      api.post(tenant, "/api/v1/tasks", "{\"goal\":\"same\"}", "Idempotency-Key", "same-key");
    }

    var another = api.post(tenant, "/api/v1/tasks", "{\"goal\":\"another\"}");

    assertThat(another.status()).as(another.body()).isEqualTo(201);
  }

  @Test
  void aBudgetLimitThatIsNotPositiveIsRefusedNamingTheField() {
    var refused =
        api.post(
            tenant,
            "/api/v1/tasks",
            "{\"goal\":\"g\",\"modelOptions\":{\"budget\":{\"modelCalls\":3,\"tokens\":0}}}");

    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().get("errors").get(0).get("field").asString())
        .isEqualTo("modelOptions.budget.tokens");
    assertThat(listedTaskIds("")).isEmpty();
  }

  @Test
  void theTaskShowsWhatItSpentAndATaskItsBudgetStoppedIsNotResumed() {
    String id = createTaskId("{\"goal\":\"g\",\"modelOptions\":{\"budget\":{\"modelCalls\":3}}}");
    JsonNode grant = claim(id, 1);
    assertThat(grant.get("modelOptions").get("budget").get("modelCalls").asInt()).isEqualTo(3);
    assertThat(show(id).get("usage").get("modelCalls").asInt()).isZero();

    new ScriptedRunner(id, tenant, 1)
        .send(
            new ScriptedRunner(id, tenant, 1)
                .needsAssistance("budget_exhausted:model_calls", spent(0, 420, 3, 2)));
    JsonNode stopped =
        awaitTask(id, task -> task.get("status").asString().equals("needs_assistance"));

    assertThat(stopped.get("statusReason").asString()).isEqualTo("budget_exhausted:model_calls");
    assertThat(stopped.get("usage").get("tokens").asLong()).isEqualTo(420);
    assertThat(stopped.get("usage").get("modelCalls").asInt()).isEqualTo(3);
    assertThat(stopped.get("usage").get("toolCalls").asInt()).isEqualTo(2);
    var resumed = api.post(tenant, "/api/v1/tasks/" + id + "/resume", "{\"message\":\"go on\"}");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(409);
    assertThat(resumed.json().get("type").asString()).endsWith("/budget-exhausted");
    assertThat(show(id).get("status").asString()).isEqualTo("needs_assistance");
  }

  @Test
  void aResumeKeepsWhatTheTaskSpent() {
    String id = createTaskId("{\"goal\":\"g\"}");
    claim(id, 1);
    new ScriptedRunner(id, tenant, 1)
        .send(new ScriptedRunner(id, tenant, 1).needsAssistance("which one?", spent(0, 10, 1, 0)));
    awaitTask(id, task -> task.get("status").asString().equals("needs_assistance"));

    api.post(tenant, "/api/v1/tasks/" + id + "/resume", "{\"message\":\"the first\"}");

    JsonNode grant = claim(id, 2);
    assertThat(grant.get("resumeContext").get("usage").get("tokens").asLong()).isEqualTo(10);
    assertThat(show(id).get("usage").get("modelCalls").asInt()).isEqualTo(1);
  }

  @Test
  void whenATenantsTokensForTheDayAreUsedUpCreatesAreRefusedAndClaimsHeld() {
    tenant = THRIFTY;
    jdbc.sql("delete from tenant_daily_usage where tenant = :tenant")
        .param("tenant", THRIFTY)
        .update();
    String spender = createTaskId("{\"goal\":\"spend\"}");
    String queued = createTaskId("{\"goal\":\"wait\"}");
    claim(spender, 1);
    var runner = new ScriptedRunner(spender, THRIFTY, 1);
    runner.send(runner.plan("the work"));
    runner.send(
        new io.tasklane.contracts.RunnerReport.StepVerdict(
            new io.tasklane.contracts.RunnerReport.Header(
                java.util.UUID.randomUUID(),
                java.util.UUID.fromString(spender),
                THRIFTY,
                1,
                ScriptedRunner.RUNNER_ID,
                java.time.Instant.now()),
            0,
            true,
            "done",
            "v",
            spent(1, 1200, 4, 1)));
    runner.send(runner.finished(TaskStatus.SUCCEEDED, "done", null));
    awaitTask(spender, task -> task.get("status").asString().equals("succeeded"));

    var refused = api.post(THRIFTY, "/api/v1/tasks", "{\"goal\":\"more\"}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(429);
    assertThat(refused.json().get("budget").asString()).isEqualTo("tokens_per_day");
    assertThat(refused.json().get("limit").asLong()).isEqualTo(1000);
    assertThat(refused.json().get("used").asLong()).isEqualTo(1200);

    var held = api.post(null, claimPath(queued), claimBody("runner-b", 1));
    assertThat(held.status()).as(held.body()).isEqualTo(409);
    assertThat(held.json().get("limit").asString()).isEqualTo("tokens_per_day");
    assertThat(show(queued).get("status").asString()).isEqualTo("queued");
  }

  @Test
  void aCronJobOverItsTenantsTasksPerDaySkipsItsFiringsAndKeepsFiring() {
    var job =
        api.post(
            tenant,
            "/api/v1/cron-jobs",
            """
            {"name":"every second","cronExpression":"* * * * * *",
             "task":{"goal":"Tick"}}
            """);
    assertThat(job.status()).as(job.body()).isEqualTo(201);
    String path = "/api/v1/cron-jobs/" + job.json().get("cronJobId").asString();

    await().atMost(PATIENCE).until(() -> api.get(tenant, path).json().get("firings").asLong() >= 6);

    assertThat(listedTaskIds("")).as("four tasks a day, the other firings skipped").hasSize(4);
  }

  private static ResumeContext spent(int step, long tokens, int modelCalls, int toolCalls) {
    return new ResumeContext(
        step,
        List.of(ConversationMessage.of("assistant", "worked")),
        List.of(),
        new Usage(tokens, modelCalls, toolCalls, 1500),
        null);
  }

  private List<String> dispatchReasons(String taskId) {
    return jdbc.sql(
            "select payload ->> 'reason' from outbox where task_id = :id::uuid"
                + " and topic = 'tasklane.task-dispatch' order by id")
        .param("id", taskId)
        .query(String.class)
        .list();
  }
}

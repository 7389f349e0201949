package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Budgets and fairness through the gateway, on the whole suite with the scripted model: a task's
 * own budget reached in the middle of a step, a tenant's tasks per day, and a tenant at its
 * concurrency limit while another tenant's tasks run.
 */
class SuiteBudgetsTests {

  static final String ACME_KEY = "tl_budgets_acme_writer";
  static final String GLOBEX_KEY = "tl_budgets_globex_writer";
  static final String CAPPED_KEY = "tl_budgets_capped_writer";
  static final JsonMapper JSON = JsonMapper.builder().build();

  static ScriptedModelServer models;
  static LocalSuite suite;
  static String gateway;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startTheSuite() throws Exception {
    models = ScriptedModelServer.start();
    var postgres = TestPostgres.get();
    var ledgerDb = postgres.database("budgets_ledger");
    var notifierDb = postgres.database("budgets_notifier");
    suite =
        LocalSuite.fromArguments(
            SuiteArguments.allServices()
                .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
                .databases(ledgerDb.name(), notifierDb.name())
                .model(models.openAiBaseUrl(), "budgets-default")
                .home(Path.of(".."))
                .tenant("acme", ACME_KEY)
                .apiKey("globex", GLOBEX_KEY, "globex", "tasks:read,tasks:write")
                .apiKey("capped", CAPPED_KEY, "capped", "tasks:read,tasks:write")
                .set("ledger", "tasklane.fairness.tenants.acme.max-running", "1")
                .set("ledger", "tasklane.budgets.tenants.capped.tasks-per-day", "2")
                .toArray());
    assertThat(suite.start()).isEqualTo(ACME_KEY);
    gateway = "http://localhost:" + suite.port("gateway");
  }

  @AfterAll
  static void stopTheSuite() {
    if (suite != null) {
      suite.stop();
    }
    models.close();
  }

  @Test
  void aModelCallBudgetReachedMidStepEndsInNeedsAssistanceWithOnlyTheVerifiedStepVerified()
      throws Exception {
    models.script(
        "budget-exec",
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"a.md\",\"content\":\"a\"}"),
            Reply.text("a.md is written."),
            Reply.toolCall("write_file", "{\"path\":\"b.md\",\"content\":\"b\"}"),
            Reply.text("b.md is written."),
            Reply.text("Both are written.")));
    models.script("budget-verify", Script.always(Reply.text("YES: the file was written.")));

    String taskId =
        post(
                GLOBEX_KEY,
                "/api/v1/tasks",
                """
                {"goal":"Write a.md and b.md",
                 "plan":[{"description":"Write a.md","doneWhen":"a.md exists"},
                         {"description":"Write b.md","doneWhen":"b.md exists"}],
                 "modelOptions":{"model":"budget-exec","verifierModel":"budget-verify",
                                 "budget":{"modelCalls":4}}}
                """,
                201)
            .get("taskId")
            .asString();

    JsonNode task = awaitStatus(GLOBEX_KEY, taskId, "needs_assistance");

    // step 1: the write, the executor's answer, the verifier; step 2: the write, then no more
    assertThat(task.get("statusReason").asString()).isEqualTo("budget_exhausted:model_calls");
    assertThat(task.get("plan").get(0).get("status").asString()).isEqualTo("verified");
    assertThat(task.get("plan").get(1).get("status").asString()).isNotEqualTo("verified");
    assertThat(task.get("usage").get("modelCalls").asInt()).isEqualTo(4);
    assertThat(task.get("usage").get("toolCalls").asInt()).isEqualTo(2);
    assertThat(task.get("usage").get("tokens").asLong()).isPositive();
    assertThat(task.get("usage").get("wallMillis").asLong()).isNotNegative();
    List<JsonNode> journal = journal(GLOBEX_KEY, taskId);
    assertThat(journal)
        .filteredOn(e -> e.get("type").asString().equals("verdict"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("payload").get("step").asInt()).isZero());
    assertThat(journal).filteredOn(e -> e.get("type").asString().equals("tool_call")).hasSize(2);

    var resumed = send(GLOBEX_KEY, "POST", "/api/v1/tasks/" + taskId + "/resume", "{}");
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(409);
    assertThat(JSON.readTree(resumed.body()).get("type").asString()).endsWith("/budget-exhausted");
  }

  @Test
  void aToolCallBudgetStopsTheCallsAfterItAndTheStepIsNotVerified() throws Exception {
    models.script(
        "tool-budget-exec",
        Script.of(
            Reply.toolCalls(
                new Reply.Call("write_file", "{\"path\":\"one.md\",\"content\":\"1\"}"),
                new Reply.Call("write_file", "{\"path\":\"two.md\",\"content\":\"2\"}")),
            Reply.text("Both are written.")));
    models.script("tool-budget-verify", Script.always(Reply.text("YES")));

    String taskId =
        post(
                GLOBEX_KEY,
                "/api/v1/tasks",
                """
                {"goal":"Write one.md and two.md",
                 "plan":[{"description":"Write both files","doneWhen":"one.md and two.md exist"}],
                 "modelOptions":{"model":"tool-budget-exec","verifierModel":"tool-budget-verify",
                                 "budget":{"toolCalls":1}}}
                """,
                201)
            .get("taskId")
            .asString();

    JsonNode task = awaitStatus(GLOBEX_KEY, taskId, "needs_assistance");

    assertThat(task.get("statusReason").asString()).isEqualTo("budget_exhausted:tool_calls");
    assertThat(task.get("plan").get(0).get("status").asString()).isNotEqualTo("verified");
    assertThat(task.get("usage").get("toolCalls").asInt()).isEqualTo(1);
    assertThat(task.get("usage").get("modelCalls").asInt()).isEqualTo(1);
    List<JsonNode> journal = journal(GLOBEX_KEY, taskId);
    assertThat(journal).filteredOn(e -> e.get("type").asString().equals("verdict")).isEmpty();
    assertThat(journal).filteredOn(e -> e.get("type").asString().equals("tool_call")).hasSize(1);
  }

  @Test
  void aCreateOverTheTenantsTasksPerDayIsA429ProblemWithRetryAfterAndCreatesNothing()
      throws Exception {
    models.script("capped-exec", Script.always(Reply.text("Nothing to do.")));
    String body =
        """
        {"goal":"A capped task","plan":[{"description":"Look","doneWhen":"looked"}],
         "modelOptions":{"model":"capped-exec","verifierModel":"capped-exec"}}
        """;
    post(CAPPED_KEY, "/api/v1/tasks", body, 201);
    post(CAPPED_KEY, "/api/v1/tasks", body, 201);

    var refused = send(CAPPED_KEY, "POST", "/api/v1/tasks", body);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 86_401L);
    JsonNode problem = JSON.readTree(refused.body());
    assertThat(problem.get("type").asString()).endsWith("/budget-exceeded");
    assertThat(problem.get("budget").asString()).isEqualTo("tasks_per_day");
    assertThat(problem.get("limit").asInt()).isEqualTo(2);
    assertThat(problem.get("used").asInt()).isEqualTo(2);
    assertThat(get(CAPPED_KEY, "/api/v1/tasks?limit=50", 200).get("items")).hasSize(2);
  }

  @Test
  void aTenantAtItsLimitWaitsWhileAnotherTenantsTasksStartAndNoneOfItsTasksIsLost()
      throws Exception {
    List<String> acme = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      acme.add(create(ACME_KEY, "fair-acme-" + i, Duration.ofSeconds(2)));
    }
    List<String> globex = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      globex.add(create(GLOBEX_KEY, "fair-globex-" + i, Duration.ZERO));
    }

    List<JsonNode> globexDone = new ArrayList<>();
    for (String id : globex) {
      globexDone.add(awaitStatus(GLOBEX_KEY, id, "succeeded"));
    }
    List<JsonNode> acmeDone = new ArrayList<>();
    for (String id : acme) {
      acmeDone.add(awaitStatus(ACME_KEY, id, "succeeded"));
    }

    // one acme task at a time: each started after the one before it ended
    acmeDone.sort((a, b) -> started(a).compareTo(started(b)));
    for (int i = 1; i < acmeDone.size(); i++) {
      assertThat(started(acmeDone.get(i))).isAfterOrEqualTo(ended(acmeDone.get(i - 1)));
    }
    // the other tenant's tasks, created after all of acme's, did not wait behind them
    Instant lastAcmeStart = started(acmeDone.getLast());
    assertThat(globexDone).allSatisfy(task -> assertThat(started(task)).isBefore(lastAcmeStart));
    assertThat(acmeDone)
        .allSatisfy(
            task -> {
              assertThat(task.get("attempt").asInt()).isEqualTo(1);
              assertThat(task.get("plan").get(0).get("status").asString()).isEqualTo("verified");
            });
  }

  /** A one-step task whose model writes a file (after {@code delay}) that a check then finds. */
  private String create(String key, String model, Duration delay) throws Exception {
    models.script(
        model,
        Script.of(
            Reply.after(
                delay, Reply.toolCall("write_file", "{\"path\":\"out.md\",\"content\":\"x\"}")),
            Reply.text("out.md is written."),
            Reply.text("Done.")));
    return post(
            key,
            "/api/v1/tasks",
            """
            {"goal":"Write out.md","label":"%s",
             "plan":[{"description":"Write out.md","doneWhen":"out.md exists",
                      "check":{"type":"file_exists","path":"out.md"}}],
             "modelOptions":{"model":"%s"}}
            """
                .formatted(model, model),
            201)
        .get("taskId")
        .asString();
  }

  private static Instant started(JsonNode task) {
    return Instant.parse(task.get("startedAt").asString());
  }

  private static Instant ended(JsonNode task) {
    return Instant.parse(task.get("endedAt").asString());
  }

  private JsonNode awaitStatus(String key, String taskId, String status) {
    return await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> get(key, "/api/v1/tasks/" + taskId, 200),
            task -> task.get("status").asString().equals(status));
  }

  private List<JsonNode> journal(String key, String taskId) throws Exception {
    JsonNode page = get(key, "/api/v1/tasks/" + taskId + "/journal?limit=500", 200);
    return StreamSupport.stream(page.get("items").spliterator(), false).toList();
  }

  private JsonNode get(String key, String path, int expected) throws Exception {
    var response = send(key, "GET", path, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    return JSON.readTree(response.body());
  }

  private JsonNode post(String key, String path, String body, int expected) throws Exception {
    var response = send(key, "POST", path, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> send(String key, String method, String path, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + key)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Approvals end to end through the gateway: a runner with one slot, the scripted model asking for a
 * write outside the allowed prefix, and operators who approve, deny, or let the deadline pass.
 */
class SuiteApprovalTests {

  static final String ACME_KEY = "tl_approvals_acme_writer";
  static final String OPS_KEY = "tl_approvals_acme_ops";
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String SECRET_WRITE =
      "{\"path\":\"secret/report.md\",\"content\":\"written after approval\"}";

  static ScriptedModelServer models;
  static LocalSuite suite;
  static String gateway;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startTheSuite() throws Exception {
    models = ScriptedModelServer.start();
    var postgres = TestPostgres.get();
    var ledgerDb = postgres.database("approvals_ledger");
    var notifierDb = postgres.database("approvals_notifier");
    suite =
        LocalSuite.fromArguments(
            SuiteArguments.allServices()
                .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
                .databases(ledgerDb.name(), notifierDb.name())
                .model(models.openAiBaseUrl(), "approvals-default")
                .home(Path.of(".."))
                .tenant("acme", ACME_KEY)
                .apiKey("acme-ops", OPS_KEY, "acme", "tasks:read,tasks:write")
                .set("runner", "tasklane.runner.slots", "1")
                .set("ledger", "tasklane.approvals.deadline-interval", "300ms")
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
  void anApprovedCallRunsExactlyOnceAndTheTaskSucceeds() throws Exception {
    models.script(
        "approve-exec",
        Script.of(
            Reply.toolCall("write_file", SECRET_WRITE),
            Reply.text("The report is written."),
            Reply.text("The report was written after approval.")));
    String taskId = create("approve", "approve-exec", "", checkedPlan());

    JsonNode waiting = followUntil(taskId, "needs_assistance");

    assertThat(waiting.get("statusReason").asString()).isEqualTo("approval_required");
    assertThat(waiting.at("/approval/number").asInt()).isEqualTo(1);
    assertThat(waiting.at("/approval/tool").asString()).isEqualTo("write_file");
    assertThat(waiting.at("/approval/arguments").asString()).isEqualTo(SECRET_WRITE);
    JsonNode task = get(ACME_KEY, "/api/v1/tasks/" + taskId, 200);
    assertThat(task.get("status").asString()).isEqualTo("needs_assistance");
    assertThat(task.at("/approval/deadline").asString()).isNotBlank();
    assertThat(task.at("/approval/decision").isMissingNode()).isTrue();
    JsonNode pending = get(ACME_KEY, "/api/v1/approvals?limit=500", 200);
    assertThat(StreamSupport.stream(pending.get("items").spliterator(), false))
        .anySatisfy(
            item -> {
              assertThat(item.get("taskId").asString()).isEqualTo(taskId);
              assertThat(item.get("label").asString()).isEqualTo("approve");
              assertThat(item.at("/approval/tool").asString()).isEqualTo("write_file");
            });

    JsonNode approved =
        post(
            ACME_KEY,
            "/api/v1/tasks/" + taskId + "/approve",
            "{\"approval\":1,\"comment\":\"go ahead\"}",
            200);
    assertThat(approved.get("status").asString()).isEqualTo("queued");
    assertThat(approved.at("/approval/decision").asString()).isEqualTo("approved");
    assertThat(approved.at("/approval/decidedBy").asString()).isEqualTo("local");

    awaitStatus(taskId, "succeeded");
    List<JsonNode> journal = journal(taskId);
    assertThat(toolCalls(journal, "secret/report.md"))
        .singleElement()
        .satisfies(call -> assertThat(call.at("/payload/error").asBoolean()).isFalse());
    assertThat(entries(journal, "approval_requested")).hasSize(1);
    assertThat(entries(journal, "approval_decided"))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.at("/payload/decision").asString()).isEqualTo("approved");
              assertThat(entry.at("/payload/decidedBy").asString()).isEqualTo("local");
              assertThat(entry.at("/payload/comment").asString()).isEqualTo("go ahead");
            });
    assertThat(get(ACME_KEY, "/api/v1/approvals?limit=500", 200).toString()).doesNotContain(taskId);

    JsonNode stale =
        post(ACME_KEY, "/api/v1/tasks/" + taskId + "/approve", "{\"approval\":1}", 409);
    assertThat(stale.get("type").asString()).endsWith("/approval-not-pending");
  }

  @Test
  void aDeniedCallNeverRunsAndTheModelGoesOnWithoutIt() throws Exception {
    models.script(
        "deny-exec",
        Script.of(
            Reply.toolCall("write_file", SECRET_WRITE),
            Reply.toolCall("write_file", "{\"path\":\"out/note.md\",\"content\":\"not written\"}"),
            Reply.text("The note says why there is no report."),
            Reply.text("Finished without the report.")));
    models.script("deny-verify", Script.always(Reply.text("YES")));
    String taskId = create("deny", "deny-exec", "\"verifierModel\":\"deny-verify\",", plainPlan());
    followUntil(taskId, "needs_assistance");

    JsonNode denied =
        post(
            ACME_KEY,
            "/api/v1/tasks/" + taskId + "/deny",
            "{\"approval\":1,\"comment\":\"no secrets today\"}",
            200);
    assertThat(denied.at("/approval/decision").asString()).isEqualTo("denied");

    awaitStatus(taskId, "succeeded");
    List<JsonNode> journal = journal(taskId);
    assertThat(toolCalls(journal, "secret/report.md")).isEmpty();
    assertThat(toolCalls(journal, "out/note.md")).hasSize(1);
    assertThat(entries(journal, "approval_decided"))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.at("/payload/decision").asString()).isEqualTo("denied");
              assertThat(entry.at("/payload/decidedBy").asString()).isEqualTo("local");
            });
    List<RecordedRequest> requests = models.requests("deny-exec");
    assertThat(requests.get(1).transcript()).contains("denied by local", "no secrets today");
  }

  @Test
  void aCallNoOneDecidesBeforeItsDeadlineIsDenied() throws Exception {
    models.script(
        "expire-exec",
        Script.of(
            Reply.toolCall("write_file", SECRET_WRITE),
            Reply.toolCall("write_file", "{\"path\":\"out/note.md\",\"content\":\"no answer\"}"),
            Reply.text("The note says no one answered."),
            Reply.text("Finished without the report.")));
    models.script("expire-verify", Script.always(Reply.text("YES")));
    String taskId =
        create(
            "expire", "expire-exec", "\"verifierModel\":\"expire-verify\",", plainPlan(), 1, null);
    followUntil(taskId, "needs_assistance");

    awaitStatus(taskId, "succeeded");

    JsonNode task = get(ACME_KEY, "/api/v1/tasks/" + taskId, 200);
    assertThat(task.at("/approval/decision").asString()).isEqualTo("expired");
    assertThat(task.at("/approval/decidedBy").asString()).isEqualTo("deadline");
    assertThat(toolCalls(journal(taskId), "secret/report.md")).isEmpty();
    assertThat(models.requests("expire-exec").get(1).transcript())
        .contains("no one approved the call before its deadline");
  }

  @Test
  void aCallNoOneDecidesBeforeItsDeadlineFailsTheTaskWhenItsPolicySaysSo() throws Exception {
    models.script("fail-exec", Script.of(Reply.toolCall("write_file", SECRET_WRITE)));
    String taskId = create("expire-fail", "fail-exec", "", checkedPlan(), 1, "fail");

    awaitStatus(taskId, "failed");

    JsonNode task = get(ACME_KEY, "/api/v1/tasks/" + taskId, 200);
    assertThat(task.get("statusReason").asString()).isEqualTo("approval_expired");
    assertThat(task.at("/approval/decision").asString()).isEqualTo("expired");
    assertThat(toolCalls(journal(taskId), "secret/report.md")).isEmpty();
  }

  @Test
  void aTaskThatWaitsForApprovalHoldsNoRunnerSlot() throws Exception {
    models.script("slot-waiting-exec", Script.of(Reply.toolCall("write_file", SECRET_WRITE)));
    String waiting = create("slot-waiting", "slot-waiting-exec", "", checkedPlan());
    followUntil(waiting, "needs_assistance");
    models.script(
        "slot-other-exec",
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"out/other.md\",\"content\":\"other\"}"),
            Reply.text("Written."),
            Reply.text("The other task is done.")));
    String other =
        post(
                ACME_KEY,
                "/api/v1/tasks",
                """
                {"goal":"Write out/other.md","label":"slot-other",
                 "plan":[{"description":"Write out/other.md","doneWhen":"out/other.md exists",
                          "check":{"type":"file_exists","path":"out/other.md"}}],
                 "modelOptions":{"model":"slot-other-exec"}}
                """,
                201)
            .get("taskId")
            .asString();

    awaitStatus(other, "succeeded");

    assertThat(get(ACME_KEY, "/api/v1/tasks/" + waiting, 200).get("status").asString())
        .isEqualTo("needs_assistance");
    post(ACME_KEY, "/api/v1/tasks/" + waiting + "/cancel", null, 200);
  }

  @Test
  void onlyTheApproversOfARequestDecideItAndOnlyItsOwnNumber() throws Exception {
    models.script(
        "approvers-exec",
        Script.of(Reply.toolCall("write_file", SECRET_WRITE), Reply.text("No report, then.")));
    String taskId =
        post(
                ACME_KEY,
                "/api/v1/tasks",
                """
                {"goal":"Write the secret report","label":"approvers","plan":%s,
                 "modelOptions":{"model":"approvers-exec","toolsAllowed":["write_file"],
                   "approvals":{"rules":[{"tool":"write_file","allowedPathPrefix":"out/"}],
                                "approvers":["acme-ops"]}}}
                """
                    .formatted(checkedPlan()),
                201)
            .get("taskId")
            .asString();
    followUntil(taskId, "needs_assistance");

    JsonNode forbidden =
        post(ACME_KEY, "/api/v1/tasks/" + taskId + "/approve", "{\"approval\":1}", 403);
    assertThat(forbidden.get("type").asString()).endsWith("/not-an-approver");
    JsonNode wrongNumber =
        post(OPS_KEY, "/api/v1/tasks/" + taskId + "/approve", "{\"approval\":2}", 409);
    assertThat(wrongNumber.get("type").asString()).endsWith("/approval-not-pending");
    assertThat(get(ACME_KEY, "/api/v1/tasks/" + taskId, 200).get("status").asString())
        .isEqualTo("needs_assistance");
    post(ACME_KEY, "/api/v1/tasks/" + taskId + "/approve", "{}", 400);

    JsonNode denied = post(OPS_KEY, "/api/v1/tasks/" + taskId + "/deny", "{\"approval\":1}", 200);
    assertThat(denied.at("/approval/decidedBy").asString()).isEqualTo("acme-ops");
    assertThat(send(ACME_KEY, "POST", "/api/v1/tasks/" + taskId + "/cancel", null).statusCode())
        .isIn(200, 409);
  }

  @Test
  void aPolicyThatNamesAnUnknownToolIsRefusedAtCreation() throws Exception {
    JsonNode problem =
        post(
            ACME_KEY,
            "/api/v1/tasks",
            """
            {"goal":"Never runs","modelOptions":{"approvals":{"rules":[{"tool":"rm_rf"}]}}}
            """,
            400);
    assertThat(problem.get("detail").asString()).contains("modelOptions.approvals.rules[0].tool");
    JsonNode deadline =
        post(
            ACME_KEY,
            "/api/v1/tasks",
            """
            {"goal":"Never runs","modelOptions":{"approvals":{"rules":[{"tool":"shell"}],
              "deadlineSeconds":0}}}
            """,
            400);
    assertThat(deadline.get("detail").asString())
        .contains("modelOptions.approvals.deadlineSeconds");
  }

  private static String checkedPlan() {
    return """
        [{"description":"Write secret/report.md","doneWhen":"secret/report.md holds the report",
          "check":{"type":"file_contains","path":"secret/report.md","text":"written after approval"}}]
        """;
  }

  private static String plainPlan() {
    return """
        [{"description":"Write the report, or a note in out/ when it cannot be written",
          "doneWhen":"the report or a note exists"}]
        """;
  }

  private String create(String label, String model, String extraOptions, String plan)
      throws Exception {
    return create(label, model, extraOptions, plan, null, null);
  }

  private String create(
      String label,
      String model,
      String extraOptions,
      String plan,
      Integer deadlineSeconds,
      String onDeadline)
      throws Exception {
    String policy =
        "{\"rules\":[{\"tool\":\"write_file\",\"allowedPathPrefix\":\"out/\"}]"
            + (deadlineSeconds == null ? "" : ",\"deadlineSeconds\":" + deadlineSeconds)
            + (onDeadline == null ? "" : ",\"onDeadline\":\"" + onDeadline + "\"")
            + "}";
    return post(
            ACME_KEY,
            "/api/v1/tasks",
            """
            {"goal":"Write the secret report","label":"%s","plan":%s,
             "modelOptions":{"model":"%s",%s"toolsAllowed":["write_file","read_file"],
               "approvals":%s}}
            """
                .formatted(label, plan, model, extraOptions, policy),
            201)
        .get("taskId")
        .asString();
  }

  private void awaitStatus(String taskId, String status) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(get(ACME_KEY, "/api/v1/tasks/" + taskId, 200).get("status").asString())
                    .isEqualTo(status));
  }

  private List<JsonNode> journal(String taskId) throws Exception {
    JsonNode page = get(ACME_KEY, "/api/v1/tasks/" + taskId + "/journal?limit=500", 200);
    return StreamSupport.stream(page.get("items").spliterator(), false).toList();
  }

  private static List<JsonNode> entries(List<JsonNode> journal, String type) {
    return journal.stream().filter(e -> e.get("type").asString().equals(type)).toList();
  }

  private static List<JsonNode> toolCalls(List<JsonNode> journal, String path) {
    return entries(journal, "tool_call").stream()
        .filter(e -> e.at("/payload/arguments").asString().contains("\"" + path + "\""))
        .toList();
  }

  /** Follows the task's event stream until it reports {@code status}; returns that event's data. */
  private JsonNode followUntil(String taskId, String status) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + "/api/v1/tasks/" + taskId + "/events"))
            .header("Authorization", "Bearer " + ACME_KEY)
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(120))
            .build();
    var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (var lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("data:")) {
          JsonNode data = JSON.readTree(line.substring(5)).get("data");
          if (data.get("status").asString().equals(status)) {
            return data;
          }
        }
      }
    }
    throw new AssertionError("The event stream ended before " + status);
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
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operators answer waiting tasks from the chat the tasks report to, end to end through the gateway:
 * the scripted model asks for a {@code shell} command that needs approval (or for help), the fake
 * Telegram Bot API shows the message with its buttons and plays the operator pressing one or
 * replying, and the ledger decides as for an answer through the API. A session webhook front end
 * answers with a callback signed by its channel secret.
 */
class SuiteChatAnswersTests {

  static final String ACME_KEY = "tl_answers_acme_writer";
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final long OPERATOR = 5550001;
  static final String STRANGER_CHAT = "9990001";
  static final String COUNTED_RUN =
      "{\"command\":\"sh\",\"args\":[\"-c\",\"echo ran >> ran.log; echo runs: $(wc -l < ran.log)\"]}";
  static final byte[] WEBHOOK_KEY =
      "the session webhook's own key, 48 bytes long...".getBytes(StandardCharsets.UTF_8);
  static final String WEBHOOK_SECRET = "whsec_" + Base64.getEncoder().encodeToString(WEBHOOK_KEY);

  static ScriptedModelServer models;
  static FakeTelegramBotApi telegram;
  static WebhookReceiver webhook;
  static LocalSuite suite;
  static String gateway;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startTheSuite() throws Exception {
    models = ScriptedModelServer.start();
    telegram = FakeTelegramBotApi.start("424242:answers-token");
    webhook = new WebhookReceiver();
    var postgres = TestPostgres.get();
    var ledgerDb = postgres.database("answers_ledger");
    var notifierDb = postgres.database("answers_notifier");
    suite =
        LocalSuite.fromArguments(
            SuiteArguments.allServices()
                .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
                .databases(ledgerDb.name(), notifierDb.name())
                .model(models.openAiBaseUrl(), "answers-default")
                .home(Path.of(".."))
                .tenant("acme", ACME_KEY)
                .set("notifier", "tasklane.notifier.telegram.base-url", telegram.baseUrl())
                .set("notifier", "tasklane.notifier.telegram.bot-token", telegram.token())
                .set("notifier", "tasklane.notifier.telegram.poll-timeout", "2s")
                .set("notifier", "tasklane.notifier.webhook.allowed-hosts", "127.0.0.1")
                .set("notifier", "tasklane.notifier.delivery.initial-backoff", "200ms")
                .set("ledger", "tasklane.approvals.deadline-interval", "300ms")
                .set("runner", "tasklane.runner.tools.shell.enabled", "true")
                .set("runner", "tasklane.runner.tools.shell.allowed-commands", "sh")
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
    telegram.close();
    webhook.close();
  }

  @Test
  void approveInTheBoundChatRunsTheHeldCommandExactlyOnceAndTheTaskSucceeds() throws Exception {
    String chat = "7000001";
    String session = bindTelegram("answers-approve", chat);
    models.script(
        "approve-exec",
        Script.of(
            Reply.toolCall("shell", COUNTED_RUN),
            Reply.text("The command ran."),
            Reply.text("The command ran after approval.")));
    String taskId = createShellTask("approve", "approve-exec", session, ranPlan());

    FakeTelegramBotApi.Request message = awaitButtonsMessage(chat, taskId);

    assertThat(message.buttons())
        .containsExactly(
            Map.entry("Approve", "a:" + taskId + ":1"),
            Map.entry("Deny", "d:" + taskId + ":1"),
            Map.entry("Cancel", "c:" + taskId));
    assertThat(message.visibleText())
        .contains("Needs your help", "Approval 1 needed: shell", "echo ran >> ran.log");
    JsonNode waiting = task(taskId);
    assertThat(waiting.get("status").asString()).isEqualTo("needs_assistance");
    assertThat(waiting.get("statusReason").asString()).isEqualTo("approval_required");

    String query = telegram.pressButton(chat, OPERATOR, message.messageId(), "a:" + taskId + ":1");
    // a double tap: the second press arrives before the first is answered
    String again = telegram.pressButton(chat, OPERATOR, message.messageId(), "a:" + taskId + ":1");

    FakeTelegramBotApi.CallbackAnswer answer = awaitCallbackAnswer(query);
    assertThat(answer.text()).isEqualTo("Approved.");
    assertThat(answer.showAlert()).isFalse();
    FakeTelegramBotApi.CallbackAnswer second = awaitCallbackAnswer(again);
    assertThat(second.text()).startsWith("Refused: ").contains("approved by telegram:" + OPERATOR);
    assertThat(second.showAlert()).isTrue();
    awaitStatus(taskId, "succeeded");
    JsonNode done = task(taskId);
    assertThat(done.at("/approval/decision").asString()).isEqualTo("approved");
    assertThat(done.at("/approval/decidedBy").asString()).isEqualTo("telegram:" + OPERATOR);
    List<JsonNode> journal = journal(taskId);
    assertThat(entries(journal, "tool_call"))
        .filteredOn(call -> call.at("/payload/tool").asString().equals("shell"))
        .singleElement()
        .satisfies(call -> assertThat(call.at("/payload/error").asBoolean()).isFalse());
    assertThat(entries(journal, "approval_decided"))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.at("/payload/decision").asString()).isEqualTo("approved");
              assertThat(entry.at("/payload/decidedBy").asString())
                  .isEqualTo("telegram:" + OPERATOR);
            });
    // three model rounds: the held call, the step's end after the approved call ran, the summary
    List<RecordedRequest> requests = models.requests("approve-exec");
    assertThat(requests).hasSize(3);
    assertThat(shellResults(requests.get(1))).singleElement().asString().contains("runs: 1");
  }

  @Test
  void denyByReplyInTheBoundChatNeverRunsTheCommandAndJournalsTheComment() throws Exception {
    String chat = "7000002";
    String session = bindTelegram("answers-deny", chat);
    models.script(
        "deny-exec",
        Script.of(
            Reply.toolCall("shell", COUNTED_RUN),
            Reply.toolCall("write_file", "{\"path\":\"why.md\",\"content\":\"denied\"}"),
            Reply.text("why.md says the command was denied."),
            Reply.text("Finished without running the command.")));
    models.script("deny-verify", Script.always(Reply.text("YES")));
    String taskId =
        createShellTask(
            "deny", "deny-exec", session, plainPlan(), "\"verifierModel\":\"deny-verify\",");
    FakeTelegramBotApi.Request message = awaitButtonsMessage(chat, taskId);

    long reply = telegram.reply(chat, OPERATOR, message.messageId(), "deny not on a Friday");

    assertThat(awaitAnswerTo(chat, reply).visibleText()).isEqualTo("Denied.");
    awaitStatus(taskId, "succeeded");
    List<JsonNode> journal = journal(taskId);
    assertThat(entries(journal, "tool_call"))
        .extracting(call -> call.at("/payload/tool").asString())
        .containsExactly("write_file");
    assertThat(entries(journal, "approval_decided"))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.at("/payload/decision").asString()).isEqualTo("denied");
              assertThat(entry.at("/payload/decidedBy").asString())
                  .isEqualTo("telegram:" + OPERATOR);
              assertThat(entry.at("/payload/comment").asString()).isEqualTo("not on a Friday");
            });
    List<RecordedRequest> requests = models.requests("deny-exec");
    assertThat(requests.get(1).transcript())
        .contains("denied by telegram:" + OPERATOR, "not on a Friday")
        .doesNotContain("runs: 1");
  }

  @Test
  void aPressOrReplyFromAnotherChatIsRefusedAndTheTaskGoesOnWaiting() throws Exception {
    String chat = "7000003";
    String session = bindTelegram("answers-stranger", chat);
    models.script("stranger-exec", Script.of(Reply.toolCall("shell", COUNTED_RUN)));
    String taskId = createShellTask("stranger", "stranger-exec", session, ranPlan());
    FakeTelegramBotApi.Request message = awaitButtonsMessage(chat, taskId);
    JsonNode before = task(taskId);

    String query =
        telegram.pressButton(STRANGER_CHAT, OPERATOR, message.messageId(), "a:" + taskId + ":1");
    long reply = telegram.reply(STRANGER_CHAT, OPERATOR, message.messageId(), "approve");

    FakeTelegramBotApi.CallbackAnswer refused = awaitCallbackAnswer(query);
    assertThat(refused.text())
        .isEqualTo("This chat is not the one bound to the task's session; nothing was done.");
    assertThat(refused.showAlert()).isTrue();
    assertThat(awaitAnswerTo(STRANGER_CHAT, reply).visibleText()).contains("nothing was done");
    JsonNode after = task(taskId);
    assertThat(after.get("status").asString()).isEqualTo("needs_assistance");
    assertThat(after.get("attempt").asInt()).isEqualTo(before.get("attempt").asInt());
    assertThat(after.at("/approval/decision").isMissingNode()).isTrue();
    assertThat(entries(journal(taskId), "approval_decided")).isEmpty();
    assertThat(get("/api/v1/approvals?limit=500", 200).toString()).contains(taskId);

    String cancel = telegram.pressButton(chat, OPERATOR, message.messageId(), "c:" + taskId);

    assertThat(awaitCallbackAnswer(cancel).text()).isEqualTo("Cancelled.");
    awaitStatus(taskId, "cancelled");
    assertThat(entries(journal(taskId), "tool_call"))
        .noneMatch(call -> call.at("/payload/tool").asString().equals("shell"));
  }

  @Test
  void aReplyFromTheChatASessionWasBoundToBeforeIsRefused() throws Exception {
    String chat = "7000004";
    String session = bindTelegram("answers-rebound", chat);
    models.script("rebound-exec", Script.of(Reply.toolCall("shell", COUNTED_RUN)));
    String taskId = createShellTask("rebound", "rebound-exec", session, ranPlan());
    FakeTelegramBotApi.Request message = awaitButtonsMessage(chat, taskId);
    bindTelegram(session, "7000005");

    long reply = telegram.reply(chat, OPERATOR, message.messageId(), "approve");

    assertThat(awaitAnswerTo(chat, reply).visibleText())
        .isEqualTo("This chat is not the one bound to the task's session; nothing was done.");
    assertThat(task(taskId).get("status").asString()).isEqualTo("needs_assistance");
    assertThat(entries(journal(taskId), "approval_decided")).isEmpty();
    post("/api/v1/tasks/" + taskId + "/cancel", null, 200);
  }

  @Test
  void aDeadlineThatPassesFailsTheTaskTellsTheChatAndALaterPressIsRefused() throws Exception {
    String chat = "7000007";
    String session = bindTelegram("answers-deadline", chat);
    models.script("deadline-exec", Script.of(Reply.toolCall("shell", COUNTED_RUN)));
    String taskId =
        createShellTask(
            "deadline",
            "deadline-exec",
            session,
            ranPlan(),
            "",
            "{\"rules\":[{\"tool\":\"shell\"}],\"deadlineSeconds\":1,\"onDeadline\":\"fail\"}");
    FakeTelegramBotApi.Request message = awaitButtonsMessage(chat, taskId);
    assertThat(message.visibleText()).contains("Approval 1 needed: shell", "then the task fails");

    FakeTelegramBotApi.Request failed =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    telegram.delivered(chat).stream()
                        .filter(
                            r -> r.text().contains(taskId) && r.visibleText().contains("Failed"))
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();

    assertThat(failed.visibleText()).contains("expired without a decision");
    assertThat(failed.buttons()).isEmpty();
    JsonNode task = task(taskId);
    assertThat(task.get("status").asString()).isEqualTo("failed");
    assertThat(task.get("statusReason").asString()).isEqualTo("approval_expired");

    String late = telegram.pressButton(chat, OPERATOR, message.messageId(), "a:" + taskId + ":1");

    FakeTelegramBotApi.CallbackAnswer refused = awaitCallbackAnswer(late);
    assertThat(refused.text())
        .startsWith(
            "Refused: Approval request 1 of task "
                + taskId
                + " is no longer pending: expired by deadline at ");
    assertThat(refused.showAlert()).isTrue();
    assertThat(task(taskId).get("status").asString()).isEqualTo("failed");
    List<JsonNode> journal = journal(taskId);
    assertThat(entries(journal, "approval_decided"))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.at("/payload/decision").asString()).isEqualTo("expired");
              assertThat(entry.at("/payload/decidedBy").asString()).isEqualTo("deadline");
            });
    assertThat(entries(journal, "tool_call"))
        .noneMatch(call -> call.at("/payload/tool").asString().equals("shell"));
  }

  @Test
  void aTaskThatNeedsHelpWithoutAnApprovalOffersResumeAndPressingItQueuesItAgain()
      throws Exception {
    String chat = "7000006";
    String session = bindTelegram("answers-resume", chat);
    models.script(
        "resume-exec",
        Script.of(
            Reply.toolCall("request_assistance", "{\"question\":\"May I write help.md now?\"}"),
            Reply.toolCall("write_file", "{\"path\":\"help.md\",\"content\":\"helped\"}"),
            Reply.text("help.md is written."),
            Reply.text("help.md was written once the operator resumed the task.")));
    String taskId =
        post(
                "/api/v1/tasks",
                """
                {"goal":"Write help.md","label":"resume","requesterSessionKey":"%s",
                 "plan":[{"description":"Write help.md","doneWhen":"help.md exists",
                          "check":{"type":"file_exists","path":"help.md"}}],
                 "modelOptions":{"model":"resume-exec"}}
                """
                    .formatted(session),
                201)
            .get("taskId")
            .asString();

    FakeTelegramBotApi.Request message = awaitButtonsMessage(chat, taskId);

    assertThat(message.buttons())
        .containsExactly(Map.entry("Resume", "r:" + taskId), Map.entry("Cancel", "c:" + taskId));
    assertThat(message.visibleText()).contains("Needs your help", "May I write help.md now?");
    JsonNode waiting = task(taskId);
    assertThat(waiting.get("status").asString()).isEqualTo("needs_assistance");
    assertThat(waiting.path("approval").isMissingNode() || waiting.get("approval").isNull())
        .isTrue();

    String query = telegram.pressButton(chat, OPERATOR, message.messageId(), "r:" + taskId);

    assertThat(awaitCallbackAnswer(query).text()).isEqualTo("Resumed.");
    awaitStatus(taskId, "succeeded");
    assertThat(task(taskId).get("attempt").asInt()).isEqualTo(waiting.get("attempt").asInt() + 1);
    assertThat(entries(journal(taskId), "status_changed"))
        .anySatisfy(
            entry -> {
              assertThat(entry.at("/payload/from").asString()).isEqualTo("needs_assistance");
              assertThat(entry.at("/payload/to").asString()).isEqualTo("queued");
              assertThat(entry.at("/payload/reason").asString()).isEqualTo("resumed by operator");
            });
  }

  @Test
  void aSignedCallbackThroughTheSessionWebhookApprovesAndAWronglySignedOneChangesNothing()
      throws Exception {
    String session = "answers-front-end";
    post(
        "/api/v1/sessions/" + session + "/channels",
        "{\"type\":\"webhook\",\"url\":\"%s\",\"secret\":\"%s\"}"
            .formatted(webhook.url(), WEBHOOK_SECRET),
        201);
    models.script(
        "front-end-exec",
        Script.of(
            Reply.toolCall("shell", COUNTED_RUN),
            Reply.text("The command ran."),
            Reply.text("The command ran after the front end approved it.")));
    String taskId = createShellTask("front-end", "front-end-exec", session, ranPlan());
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                webhook.about(taskId).stream()
                    .anyMatch(d -> d.body().contains("approval_required")));
    String body =
        "{\"taskId\":\"%s\",\"action\":\"approve\",\"approval\":1,\"comment\":\"fine by me\",\"actor\":\"alice\"}"
            .formatted(taskId);
    long now = Instant.now().getEpochSecond();

    HttpResponse<String> forged =
        sessionAction(
            session,
            "msg_" + UUID.randomUUID(),
            now,
            body,
            sign("not the channel's key".getBytes(StandardCharsets.UTF_8), "x", now, body));

    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
    assertThat(forged.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(JSON.readTree(forged.body()).get("detail").asString()).contains("webhook-signature");
    JsonNode untouched = task(taskId);
    assertThat(untouched.get("status").asString()).isEqualTo("needs_assistance");
    assertThat(untouched.at("/approval/decision").isMissingNode()).isTrue();
    assertThat(entries(journal(taskId), "approval_decided")).isEmpty();

    String id = "msg_" + UUID.randomUUID();
    HttpResponse<String> signed =
        sessionAction(session, id, now, body, sign(WEBHOOK_KEY, id, now, body));

    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    JsonNode taken = JSON.readTree(signed.body());
    assertThat(taken.get("taskId").asString()).isEqualTo(taskId);
    assertThat(taken.get("action").asString()).isEqualTo("approve");
    assertThat(taken.get("status").asString()).isEqualTo("queued");
    awaitStatus(taskId, "succeeded");
    assertThat(entries(journal(taskId), "approval_decided"))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.at("/payload/decidedBy").asString()).isEqualTo("webhook:alice");
              assertThat(entry.at("/payload/comment").asString()).isEqualTo("fine by me");
            });
    assertThat(entries(journal(taskId), "tool_call"))
        .filteredOn(call -> call.at("/payload/tool").asString().equals("shell"))
        .hasSize(1);

    HttpResponse<String> replayed =
        sessionAction(session, id, now, body, sign(WEBHOOK_KEY, id, now, body));
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(409);
    assertThat(entries(journal(taskId), "approval_decided")).hasSize(1);
  }

  private String bindTelegram(String session, String chat) throws Exception {
    post(
        "/api/v1/sessions/" + session + "/channels",
        "{\"type\":\"telegram\",\"chatId\":\"%s\"}".formatted(chat),
        201);
    return session;
  }

  private static String ranPlan() {
    return """
        [{"description":"Run the counted command","doneWhen":"ran.log holds a run",
          "check":{"type":"file_contains","path":"ran.log","text":"ran"}}]
        """;
  }

  private static String plainPlan() {
    return """
        [{"description":"Run the counted command, or write why.md when it may not run",
          "doneWhen":"the command ran or why.md says why not"}]
        """;
  }

  private String createShellTask(String label, String model, String session, String plan)
      throws Exception {
    return createShellTask(label, model, session, plan, "");
  }

  private String createShellTask(
      String label, String model, String session, String plan, String extraOptions)
      throws Exception {
    return createShellTask(
        label, model, session, plan, extraOptions, "{\"rules\":[{\"tool\":\"shell\"}]}");
  }

  private String createShellTask(
      String label,
      String model,
      String session,
      String plan,
      String extraOptions,
      String approvals)
      throws Exception {
    return post(
            "/api/v1/tasks",
            """
            {"goal":"Run the counted command","label":"%s","requesterSessionKey":"%s","plan":%s,
             "modelOptions":{"model":"%s",%s"toolsAllowed":["shell","write_file"],
               "approvals":%s}}
            """
                .formatted(label, session, plan, model, extraOptions, approvals),
            201)
        .get("taskId")
        .asString();
  }

  /** The message with inline buttons the chat got about a task. */
  private static FakeTelegramBotApi.Request awaitButtonsMessage(String chat, String taskId) {
    return await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                telegram.delivered(chat).stream()
                    .filter(r -> r.text().contains(taskId) && !r.buttons().isEmpty())
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  private static FakeTelegramBotApi.Request awaitAnswerTo(String chat, long messageId) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                telegram.delivered(chat).stream()
                    .filter(r -> r.replyToMessageId() == messageId)
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  private static FakeTelegramBotApi.CallbackAnswer awaitCallbackAnswer(String query) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> telegram.callbackAnswer(query), Optional::isPresent)
        .orElseThrow();
  }

  /** The results of the counted command the model was given in one request's conversation. */
  private static List<String> shellResults(RecordedRequest request) {
    return request.messages().stream()
        .filter(m -> m.role().equals("tool") && m.content() != null)
        .map(RecordedRequest.Message::content)
        .filter(content -> content.contains("runs: "))
        .toList();
  }

  private static String sign(byte[] key, String id, long timestamp, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] signature =
        mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(signature);
  }

  private HttpResponse<String> sessionAction(
      String session, String id, long timestamp, String body, String signature) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + "/api/v1/sessions/" + session + "/actions"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + ACME_KEY)
            .header("Content-Type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private void awaitStatus(String taskId, String status) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(task(taskId).get("status").asString()).isEqualTo(status));
  }

  private JsonNode task(String taskId) throws Exception {
    return get("/api/v1/tasks/" + taskId, 200);
  }

  private List<JsonNode> journal(String taskId) throws Exception {
    JsonNode page = get("/api/v1/tasks/" + taskId + "/journal?limit=500", 200);
    return StreamSupport.stream(page.get("items").spliterator(), false).toList();
  }

  private static List<JsonNode> entries(List<JsonNode> journal, String type) {
    return journal.stream().filter(e -> e.get("type").asString().equals(type)).toList();
  }

  private JsonNode get(String path, int expected) throws Exception {
    var response = send("GET", path, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    return JSON.readTree(response.body());
  }

  private JsonNode post(String path, String body, int expected) throws Exception {
    var response = send("POST", path, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + ACME_KEY)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

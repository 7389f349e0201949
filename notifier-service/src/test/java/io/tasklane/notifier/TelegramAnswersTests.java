package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.DeadlineAction;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Operators answer a task that waits for them from Telegram: inline buttons under the message, or a
 * reply to it. Only the chat bound to the task's requester session is heard; the ledger (a
 * recording stand-in here) gets the action signed as the session's tenant with the operator as the
 * caller.
 */
class TelegramAnswersTests extends NotifierIntegrationTest {

  private static final long OPERATOR = 4242;

  @Test
  void pressingApproveInTheBoundChatReachesTheLedgerAsTheOperatorsSignedApproval() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    publish(task.needsApproval(approval(2, "shell", "{\"command\":\"rm -rf build\"}")));

    var message = awaitMessage(chat);
    assertThat(message.buttons())
        .containsExactly(
            Map.entry("Approve", "a:" + task.id + ":2"),
            Map.entry("Deny", "d:" + task.id + ":2"),
            Map.entry("Cancel", "c:" + task.id));
    assertThat(message.buttons().values()).allMatch(data -> data.getBytes().length <= 64);
    assertThat(message.visibleText())
        .contains("Needs your help")
        .contains("Approval 2 needed: shell")
        .contains("rm -rf build")
        .contains("Decide by 2026-01-01T11:00:00Z; then the call is denied");

    String query = telegram.pressButton(chat, OPERATOR, message.messageId(), "a:" + task.id + ":2");

    var call = awaitCalls(task.id, 1).getFirst();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEqualTo("/api/v1/tasks/" + task.id + "/approve");
    assertThat(call.body().path("approval").asInt()).isEqualTo(2);
    var identity = call.verifiedIdentity();
    assertThat(identity).as("a valid identity signature").isPresent();
    assertThat(identity.get().tenant()).isEqualTo(TENANT);
    assertThat(identity.get().caller()).isEqualTo("telegram:" + OPERATOR);
    assertThat(identity.get().scopes()).contains("tasks:write");
    var answer = awaitCallbackAnswer(query);
    assertThat(answer.text()).isEqualTo("Approved.");
    assertThat(answer.showAlert()).isFalse();
  }

  @Test
  void aReplyOrAButtonFromAChatNotBoundToTheSessionIsRefusedAndNothingReachesTheLedger() {
    String session = newSession();
    String chat = newChatId();
    String stranger = newChatId();
    registerTelegram(session, chat);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    publish(task.needsApproval(approval(1, "write_file", "{\"path\":\"/etc/passwd\"}")));
    var message = awaitMessage(chat);

    long reply = telegram.reply(stranger, OPERATOR, message.messageId(), "approve");
    var refusal =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> telegram.delivered(stranger), sent -> !sent.isEmpty())
            .getFirst();
    assertThat(refusal.replyToMessageId()).isEqualTo(reply);
    assertThat(refusal.visibleText()).contains("nothing was done");

    String query =
        telegram.pressButton(stranger, OPERATOR, message.messageId(), "a:" + task.id + ":1");
    var answer = awaitCallbackAnswer(query);
    assertThat(answer.text()).contains("not the one bound to the task's session");
    assertThat(answer.showAlert()).isTrue();

    assertThat(ledger.callsFor(task.id)).isEmpty();
  }

  @Test
  void aReplyDeniesWithAComment() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    publish(task.needsApproval(approval(3, "http_fetch", "{\"url\":\"https://example.org\"}")));
    var message = awaitMessage(chat);

    long reply = telegram.reply(chat, OPERATOR, message.messageId(), "Deny not that host");

    var call = awaitCalls(task.id, 1).getFirst();
    assertThat(call.action()).isEqualTo("deny");
    assertThat(call.body().path("approval").asInt()).isEqualTo(3);
    assertThat(call.body().path("comment").asString()).isEqualTo("not that host");
    assertThat(call.verifiedIdentity()).isPresent();
    var answer = awaitAnswerTo(chat, reply);
    assertThat(answer.visibleText()).isEqualTo("Denied.");
  }

  @Test
  void aGroupChatsBotCommandReplyApproves() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    publish(task.needsApproval(approval(2, "shell", "{\"command\":\"make\"}")));
    var message = awaitMessage(chat);

    long reply =
        telegram.reply(chat, OPERATOR, message.messageId(), "/approve@tasklane_bot go ahead");

    var call = awaitCalls(task.id, 1).getFirst();
    assertThat(call.action()).isEqualTo("approve");
    assertThat(call.body().path("approval").asInt()).isEqualTo(2);
    assertThat(call.body().path("comment").asString()).isEqualTo("go ahead");
    assertThat(awaitAnswerTo(chat, reply).visibleText()).isEqualTo("Approved.");
  }

  @Test
  void aTaskThatNeedsHelpOffersResumeAndCancelAndAReplyIsItsGuidance() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    publish(task.needsHelp("Which branch should I merge into?"));
    var message = awaitMessage(chat);
    assertThat(message.buttons())
        .containsExactly(Map.entry("Resume", "r:" + task.id), Map.entry("Cancel", "c:" + task.id));

    long reply = telegram.reply(chat, OPERATOR, message.messageId(), "Merge into main, please");
    var resume = awaitCalls(task.id, 1).getFirst();
    assertThat(resume.action()).isEqualTo("resume");
    assertThat(resume.body().path("message").asString()).isEqualTo("Merge into main, please");
    assertThat(resume.caller()).isEqualTo("telegram:" + OPERATOR);
    assertThat(awaitAnswerTo(chat, reply).visibleText()).isEqualTo("Resumed.");

    String query = telegram.pressButton(chat, OPERATOR, message.messageId(), "c:" + task.id);
    var cancel = awaitCalls(task.id, 2).get(1);
    assertThat(cancel.action()).isEqualTo("cancel");
    assertThat(cancel.verifiedIdentity()).isPresent();
    assertThat(awaitCallbackAnswer(query).text()).isEqualTo("Cancelled.");
  }

  @Test
  void theLedgersRefusalIsShownToTheOperator() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    publish(task.needsApproval(approval(1, "shell", "{\"command\":\"ls\"}")));
    var message = awaitMessage(chat);
    ledger.refuse(task.id, 403, "telegram:4242 is not among the approvers of approval 1");

    String query = telegram.pressButton(chat, OPERATOR, message.messageId(), "a:" + task.id + ":1");

    var answer = awaitCallbackAnswer(query);
    assertThat(answer.text())
        .isEqualTo("Refused: telegram:4242 is not among the approvers of approval 1");
    assertThat(answer.showAlert()).isTrue();
    assertThat(ledger.callsFor(task.id)).hasSize(1);
  }

  @Test
  void aRestartedNotifierHandlesNoUpdateTwice() throws Exception {
    String tenant = "answers-" + UUID.randomUUID().toString().substring(0, 8);
    String session = tenant + "-session";
    String chat = "810000001";
    var database = TestPostgres.get().database("notifier-answers");
    String group = "notifier-answers-" + UUID.randomUUID();
    var task = UUID.randomUUID();
    try (var bot = FakeTelegramBotApi.start("98765:restart-bot")) {
      long messageId;
      try (var first = startNotifier(database, group, bot)) {
        assertThat(first.registerTelegram(tenant, session, chat).statusCode()).isEqualTo(201);
        NotifierProcess.publish(List.of(needsHelp(tenant, session, task)));
        messageId =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> bot.delivered(chat), sent -> !sent.isEmpty())
                .getFirst()
                .messageId();
        String resume = bot.pressButton(chat, OPERATOR, messageId, "r:" + task);
        awaitCalls(task, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> bot.callbackAnswer(resume).isPresent());
      }
      // as if the stop came before the notifier's next poll confirmed the update to Telegram
      bot.forgetConfirmations();
      try (var second = startNotifier(database, group, bot)) {
        String cancel = bot.pressButton(chat, OPERATOR, messageId, "c:" + task);
        await().atMost(Duration.ofSeconds(30)).until(() -> bot.callbackAnswer(cancel).isPresent());
      }
      assertThat(ledger.callsFor(task))
          .extracting(RecordingLedger.Call::action)
          .containsExactly("resume", "cancel");
    }
  }

  @Test
  void withUpdatesByWebhookOnlyTelegramsSecretTokenGetsAnUpdateIn() throws Exception {
    String tenant = "hook-" + UUID.randomUUID().toString().substring(0, 8);
    String session = tenant + "-session";
    String chat = "820000001";
    var database = TestPostgres.get().database("notifier-answers-hook");
    var task = UUID.randomUUID();
    try (var bot = FakeTelegramBotApi.start("98766:webhook-bot");
        var notifier =
            startNotifier(
                database,
                "notifier-answers-hook-" + UUID.randomUUID(),
                bot,
                "tasklane.notifier.telegram.updates=webhook",
                "tasklane.notifier.telegram.webhook-url=https://tasklane.example/telegram/updates",
                "tasklane.notifier.telegram.webhook-secret=hook-secret_0123456789")) {
      assertThat(notifier.registerTelegram(tenant, session, chat).statusCode()).isEqualTo(201);
      NotifierProcess.publish(List.of(needsHelp(tenant, session, task)));
      long messageId =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> bot.delivered(chat), sent -> !sent.isEmpty())
              .getFirst()
              .messageId();
      String update =
          NotifierProcess.JSON.writeValueAsString(
              Map.of(
                  "update_id",
                  5001,
                  "callback_query",
                  Map.of(
                      "id",
                      "hook-query",
                      "from",
                      Map.of("id", OPERATOR, "is_bot", false, "first_name", "Operator"),
                      "message",
                      Map.of(
                          "message_id",
                          messageId,
                          "chat",
                          Map.of("id", Long.parseLong(chat), "type", "private")),
                      "data",
                      "r:" + task)));

      var forged = notifier.postUnsigned("/telegram/updates", update, "not-the-secret");
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(forged.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
      assertThat(ledger.callsFor(task)).isEmpty();

      var genuine = notifier.postUnsigned("/telegram/updates", update, "hook-secret_0123456789");
      assertThat(genuine.statusCode()).isEqualTo(200);
      assertThat(ledger.callsFor(task))
          .extracting(RecordingLedger.Call::action)
          .containsExactly("resume");
      assertThat(bot.callbackAnswer("hook-query"))
          .map(FakeTelegramBotApi.CallbackAnswer::text)
          .contains("Resumed.");

      // Telegram posts an update again when it missed the answer: it is not handled twice
      assertThat(
              notifier
                  .postUnsigned("/telegram/updates", update, "hook-secret_0123456789")
                  .statusCode())
          .isEqualTo(200);
      assertThat(ledger.callsFor(task)).hasSize(1);
    }
  }

  private static NotifierProcess startNotifier(
      TestPostgres.Database database, String group, FakeTelegramBotApi bot, String... extra) {
    List<String> properties =
        new java.util.ArrayList<>(
            List.of(
                "tasklane.notifier.answers.ledger-url=" + ledger.url(),
                "tasklane.notifier.telegram.poll-timeout=1s"));
    properties.addAll(List.of(extra));
    return NotifierProcess.start(
        database, database.jdbcUrl(), group, bot, properties.toArray(String[]::new));
  }

  private static TaskLifecycleEvent needsHelp(String tenant, String session, UUID taskId) {
    var data =
        new TaskLifecycleEvent.Data(
            taskId,
            tenant,
            Runtime.SUBAGENT,
            Executor.RUNNER,
            "Merge the release branch",
            TaskStatus.NEEDS_ASSISTANCE,
            TaskStatus.RUNNING,
            "Which branch should I merge into?",
            NotifyPolicy.DONE_ONLY,
            null,
            session,
            "task_" + taskId,
            null,
            null,
            null,
            1,
            null,
            null,
            null,
            Map.of());
    return TaskLifecycleEvent.of(
        UUID.randomUUID(), TaskLifecycleEvent.TYPE_STATUS_CHANGED, Instant.now(), 3, data);
  }

  private static ApprovalRequest approval(int number, String tool, String arguments) {
    return new ApprovalRequest(
        number,
        "call-" + number,
        tool,
        arguments,
        1,
        List.of(),
        Instant.parse("2026-01-01T10:00:00Z"),
        Instant.parse("2026-01-01T11:00:00Z"),
        DeadlineAction.DENY,
        null,
        null,
        null,
        null,
        false);
  }

  private static FakeTelegramBotApi.Request awaitMessage(String chat) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> telegram.delivered(chat), sent -> !sent.isEmpty())
        .getFirst();
  }

  private static FakeTelegramBotApi.Request awaitAnswerTo(String chat, long messageId) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                telegram.delivered(chat).stream()
                    .filter(r -> r.replyToMessageId() == messageId)
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  private static FakeTelegramBotApi.CallbackAnswer awaitCallbackAnswer(String query) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> telegram.callbackAnswer(query), java.util.Optional::isPresent)
        .orElseThrow();
  }

  private static List<RecordingLedger.Call> awaitCalls(UUID taskId, int count) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ledger.callsFor(taskId), calls -> calls.size() >= count);
  }
}

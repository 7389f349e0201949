package io.tasklane.notifier.telegram;

import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.notifier.answers.AnswerAction;
import io.tasklane.notifier.answers.LedgerActions;
import io.tasklane.notifier.answers.LedgerAnswer;
import io.tasklane.notifier.answers.OperatorAction;
import io.tasklane.notifier.delivery.SentMessages;
import io.tasklane.notifier.delivery.SentMessages.Recipient;
import io.tasklane.notifier.sessions.SessionChannel;
import io.tasklane.notifier.sessions.SessionChannels;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Turns an operator's button press or reply into a ledger action, only from the chat bound to the
 * task's requester session (its Telegram channel registration); from any other chat it is refused
 * and nothing reaches the ledger. Every update gets an answer: the callback query is answered, a
 * reply is replied to.
 */
@Component
class TelegramUpdateHandler {

  private static final Logger log = LoggerFactory.getLogger(TelegramUpdateHandler.class);
  private static final Duration REPLY_SLOT_WAIT = Duration.ofSeconds(30);

  private final SentMessages sent;
  private final SessionChannels channels;
  private final LedgerActions ledger;
  private final TelegramBotClient client;
  private final TelegramRateLimiter limiter;

  TelegramUpdateHandler(
      SentMessages sent,
      SessionChannels channels,
      LedgerActions ledger,
      TelegramBotClient client,
      TelegramRateLimiter limiter) {
    this.sent = sent;
    this.channels = channels;
    this.ledger = ledger;
    this.client = client;
    this.limiter = limiter;
  }

  void handle(JsonNode update) throws InterruptedException {
    if (update.has("callback_query")) {
      onButton(update.get("callback_query"));
    } else if (update.path("message").has("reply_to_message")) {
      onReply(update.get("message"));
    }
  }

  private void onButton(JsonNode query) throws InterruptedException {
    String queryId = query.path("id").asString("");
    String chatId = query.path("message").path("chat").path("id").asString("");
    String caller = "telegram:" + query.path("from").path("id").asString("unknown");
    Optional<CallbackData> data = CallbackData.parse(query.path("data").asString(null));
    if (data.isEmpty()) {
      client.answerCallbackQuery(queryId, "This button is not one Tasklane knows.", true);
      return;
    }
    CallbackData pressed = data.get();
    Optional<Recipient> recipient = sent.recipientOf(pressed.taskId(), DeliveryChannel.TELEGRAM);
    Optional<String> refusal = refusal(recipient, chatId);
    if (refusal.isPresent()) {
      log.info(
          "Refused a Telegram button ({}) for task {} from chat {}: {}",
          pressed.action().wire(),
          pressed.taskId(),
          chatId,
          refusal.get());
      client.answerCallbackQuery(queryId, refusal.get(), true);
      return;
    }
    LedgerAnswer answer =
        ledger.send(
            new OperatorAction(
                pressed.taskId(),
                pressed.action(),
                pressed.approval(),
                null,
                recipient.get().tenant(),
                caller));
    client.answerCallbackQuery(queryId, describe(pressed.action(), answer), !done(answer));
  }

  private void onReply(JsonNode message) throws InterruptedException {
    String chatId = message.path("chat").path("id").asString("");
    long messageId = message.path("message_id").asLong();
    String caller = "telegram:" + message.path("from").path("id").asString("unknown");
    long repliedTo = message.path("reply_to_message").path("message_id").asLong();
    String text = message.path("text").asString("").strip();
    Optional<Recipient> recipient = sent.byMessage(chatId + ":" + repliedTo);
    Optional<String> refusal = refusal(recipient, chatId);
    if (refusal.isPresent()) {
      log.info("Refused a Telegram reply from chat {}: {}", chatId, refusal.get());
      answer(chatId, messageId, refusal.get());
      return;
    }
    Recipient task = recipient.get();
    String[] words = text.split("\\s+", 2);
    // "/approve@tasklane_bot" is how a group chat addresses a bot's command
    String command =
        words[0].toLowerCase(Locale.ROOT).replaceFirst("^/", "").replaceFirst("@\\w+$", "");
    String rest = words.length > 1 ? words[1].strip() : null;
    AnswerAction action =
        switch (command) {
          case "approve" -> AnswerAction.APPROVE;
          case "deny" -> AnswerAction.DENY;
          case "cancel" -> AnswerAction.CANCEL;
          default -> AnswerAction.RESUME;
        };
    Integer number = null;
    if (action.decidesApproval()) {
      ApprovalRequest approval = task.event().data().approval();
      if (approval == null || !approval.pending()) {
        answer(chatId, messageId, "That message asks for no approval; nothing was done.");
        return;
      }
      number = approval.number();
    }
    LedgerAnswer answer =
        ledger.send(
            new OperatorAction(
                task.taskId(),
                action,
                number,
                action == AnswerAction.RESUME ? text : rest,
                task.tenant(),
                caller));
    answer(chatId, messageId, describe(action, answer));
  }

  /**
   * Why an answer from {@code chatId} about this task is not taken, or empty when it comes from the
   * chat bound to the task's requester session.
   */
  private Optional<String> refusal(Optional<Recipient> recipient, String chatId) {
    if (recipient.isEmpty()) {
      return Optional.of("Tasklane sent no such message to this chat; nothing was done.");
    }
    boolean bound =
        channels
            .find(recipient.get().tenant(), recipient.get().sessionKey(), DeliveryChannel.TELEGRAM)
            .map(SessionChannel::telegramChatId)
            .filter(chatId::equals)
            .isPresent();
    return bound
        ? Optional.empty()
        : Optional.of("This chat is not the one bound to the task's session; nothing was done.");
  }

  private void answer(String chatId, long replyTo, String text) throws InterruptedException {
    if (limiter.acquire(chatId, REPLY_SLOT_WAIT).isPresent()) {
      log.warn("No send slot for an answer to chat {}; not answered", chatId);
      return;
    }
    TelegramBotClient.Result result;
    try {
      result = client.sendMessage(chatId, text, false, new TelegramBotClient.Extras(null, replyTo));
    } finally {
      limiter.answered(chatId);
    }
    if (!(result instanceof TelegramBotClient.Result.Sent)) {
      log.warn("Could not answer chat {}: {}", chatId, result);
    }
  }

  private static boolean done(LedgerAnswer answer) {
    return answer instanceof LedgerAnswer.Done;
  }

  private static String describe(AnswerAction action, LedgerAnswer answer) {
    return switch (answer) {
      case LedgerAnswer.Done done ->
          switch (action) {
            case APPROVE -> "Approved.";
            case DENY -> "Denied.";
            case RESUME -> "Resumed.";
            case CANCEL -> "Cancelled.";
          };
      case LedgerAnswer.Refused(int status, String detail) -> "Refused: " + detail;
      case LedgerAnswer.Unavailable(String reason) ->
          "Not done: " + reason + ". Try again in a moment.";
    };
  }
}

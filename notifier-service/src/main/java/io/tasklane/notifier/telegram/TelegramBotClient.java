package io.tasklane.notifier.telegram;

import io.tasklane.notifier.NotifierProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the Bot API: {@code sendMessage}, {@code getUpdates}, {@code answerCallbackQuery} and the
 * webhook methods. The token is part of the URL, so nothing this class returns or logs carries the
 * URL or an exception message.
 */
@Component
class TelegramBotClient {

  /** The updates this notifier acts on; Telegram sends no other kind. */
  static final List<String> ALLOWED_UPDATES = List.of("message", "callback_query");

  sealed interface Result {
    /** Telegram's {@code message_id} of the new message. */
    record Sent(long messageId) implements Result {}

    record HtmlRejected(String description) implements Result {}

    record TooManyRequests(Duration retryAfter) implements Result {}

    record Transient(String reason) implements Result {}

    record Refused(String reason) implements Result {}
  }

  /** An extra of a message: buttons under it, or the message it answers. */
  record Extras(Map<String, Object> replyMarkup, Long replyToMessageId) {
    static final Extras NONE = new Extras(null, null);
  }

  private final NotifierProperties.Telegram settings;
  private final JsonMapper json;
  private final HttpClient http;

  TelegramBotClient(NotifierProperties properties, JsonMapper json) {
    this.settings = properties.telegram();
    this.json = json;
    this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
  }

  Result sendMessage(String chatId, String text, boolean html) {
    return sendMessage(chatId, text, html, Extras.NONE);
  }

  Result sendMessage(String chatId, String text, boolean html, Extras extras) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("chat_id", chatId);
    body.put("text", text);
    if (html) {
      body.put("parse_mode", "HTML");
    }
    if (extras.replyMarkup() != null) {
      body.put("reply_markup", extras.replyMarkup());
    }
    if (extras.replyToMessageId() != null) {
      body.put(
          "reply_parameters",
          Map.of("message_id", extras.replyToMessageId(), "allow_sending_without_reply", true));
    }
    HttpResponse<String> response;
    try {
      // not interruptible: a request that may have reached Telegram is always awaited (at most the
      // timeout), so a notifier that stops records it as sent instead of sending it again
      response =
          http.sendAsync(request("sendMessage", body, settings.timeout()), ofString()).join();
    } catch (CompletionException e) {
      return unreachable(e.getCause());
    }
    return interpret(response.statusCode(), response.body());
  }

  /**
   * One long poll: the updates from {@code offset} on (which confirms those before it), waiting up
   * to {@code wait} for one. Interruptible: a stop does not wait for the poll to end.
   */
  List<JsonNode> getUpdates(long offset, Duration wait) throws InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    if (offset > 0) {
      body.put("offset", offset);
    }
    body.put("timeout", wait.toSeconds());
    body.put("allowed_updates", ALLOWED_UPDATES);
    JsonNode answer = call("getUpdates", body, wait.plus(settings.timeout()));
    if (!answer.path("ok").asBoolean(false)) {
      throw new TelegramUnavailable(
          "getUpdates refused: " + answer.path("description").asString("no answer"));
    }
    return answer.path("result").valueStream().toList();
  }

  /** Answers a button press; the text shows to the one who pressed it. */
  void answerCallbackQuery(String callbackQueryId, String text, boolean alert)
      throws InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("callback_query_id", callbackQueryId);
    body.put("text", text.length() > 200 ? text.substring(0, 199) + "…" : text);
    body.put("show_alert", alert);
    call("answerCallbackQuery", body, settings.timeout());
  }

  void setWebhook(URI url, String secretToken) throws InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", url.toString());
    body.put("secret_token", secretToken);
    body.put("allowed_updates", ALLOWED_UPDATES);
    requireOk("setWebhook", call("setWebhook", body, settings.timeout()));
  }

  /** Long polling is refused while a webhook is set, so polling starts by removing it. */
  void deleteWebhook() throws InterruptedException {
    requireOk("deleteWebhook", call("deleteWebhook", Map.of(), settings.timeout()));
  }

  private static void requireOk(String method, JsonNode answer) {
    if (!answer.path("ok").asBoolean(false)) {
      throw new TelegramUnavailable(
          method + " refused: " + answer.path("description").asString("no answer"));
    }
  }

  private JsonNode call(String method, Map<String, Object> body, Duration timeout)
      throws InterruptedException {
    CompletableFuture<HttpResponse<String>> pending =
        http.sendAsync(request(method, body, timeout), ofString());
    try {
      return read(pending.get().body());
    } catch (ExecutionException e) {
      Result failure = unreachable(e.getCause());
      throw new TelegramUnavailable(method + ": " + ((Result.Transient) failure).reason());
    } catch (InterruptedException e) {
      pending.cancel(true);
      throw e;
    }
  }

  private HttpRequest request(String method, Map<String, Object> body, Duration timeout) {
    String base = settings.baseUrl().toString().replaceAll("/+$", "");
    return HttpRequest.newBuilder(URI.create(base + "/bot" + settings.botToken() + "/" + method))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
        .build();
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private Result unreachable(Throwable cause) {
    if (cause instanceof HttpTimeoutException) {
      return new Result.Transient("telegram timed out after " + settings.timeout());
    }
    return new Result.Transient(
        "telegram unreachable: " + (cause == null ? "unknown" : cause.getClass().getSimpleName()));
  }

  private JsonNode read(String body) {
    try {
      return json.readTree(body);
    } catch (JacksonException e) {
      return json.createObjectNode();
    }
  }

  private Result interpret(int status, String body) {
    JsonNode answer = read(body);
    if (status == 200 && answer.path("ok").asBoolean(false)) {
      return new Result.Sent(answer.path("result").path("message_id").asLong(0));
    }
    String description = answer.path("description").asString("HTTP " + status);
    if (status == 429) {
      long retryAfter = answer.path("parameters").path("retry_after").asLong(1);
      return new Result.TooManyRequests(Duration.ofSeconds(Math.max(1, retryAfter)));
    }
    if (status == 400 && description.contains("can't parse entities")) {
      return new Result.HtmlRejected(description);
    }
    if (status >= 500 || status == 408) {
      return new Result.Transient("telegram answered HTTP " + status);
    }
    return new Result.Refused("telegram refused the message: " + description);
  }

  /** A Bot API call other than sendMessage failed; the message never carries the token. */
  static final class TelegramUnavailable extends RuntimeException {
    TelegramUnavailable(String message) {
      super(message);
    }
  }
}

package io.tasklane.notifier.telegram;

import io.tasklane.notifier.NotifierProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the Bot API {@code sendMessage}. The token is part of the URL, so nothing this class
 * returns or logs carries the URL or an exception message.
 */
@Component
class TelegramBotClient {

  sealed interface Result {
    /** Telegram's {@code message_id} of the new message. */
    record Sent(long messageId) implements Result {}

    record HtmlRejected(String description) implements Result {}

    record TooManyRequests(Duration retryAfter) implements Result {}

    record Transient(String reason) implements Result {}

    record Refused(String reason) implements Result {}
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
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("chat_id", chatId);
    body.put("text", text);
    if (html) {
      body.put("parse_mode", "HTML");
    }
    String base = settings.baseUrl().toString().replaceAll("/+$", "");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/bot" + settings.botToken() + "/sendMessage"))
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
            .build();
    HttpResponse<String> response;
    try {
      // not interruptible: a request that may have reached Telegram is always awaited (at most the
      // timeout), so a notifier that stops records it as sent instead of sending it again
      response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof HttpTimeoutException) {
        return new Result.Transient("telegram timed out after " + settings.timeout());
      }
      return new Result.Transient(
          "telegram unreachable: "
              + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName());
    }
    return interpret(response.statusCode(), response.body());
  }

  private Result interpret(int status, String body) {
    JsonNode answer;
    try {
      answer = json.readTree(body);
    } catch (JacksonException e) {
      answer = json.createObjectNode();
    }
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
}

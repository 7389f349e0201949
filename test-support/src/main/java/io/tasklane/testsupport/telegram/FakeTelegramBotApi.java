package io.tasklane.testsupport.telegram;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tasklane.testsupport.WireJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A fake Telegram Bot API over real HTTP. It answers {@code POST /bot<token>/sendMessage} (JSON or
 * form body) with the real response shapes, validates HTML like Telegram does, and can be scripted
 * to answer the next requests with 429 {@code retry_after}, 5xx, a forced HTML parse error or a
 * slow reply. Every request is recorded with the instant it arrived.
 */
public final class FakeTelegramBotApi implements AutoCloseable {

  /** How the fake answers one request, queued with {@link #script}. */
  public sealed interface Answer {

    /** 429 with {@code parameters.retry_after}. */
    record TooManyRequests(int retryAfterSeconds) implements Answer {}

    /** A server error with the given status. */
    record ServerError(int status) implements Answer {}

    /** 400 {@code can't parse entities} if the request asks for HTML, else a normal reply. */
    record RejectHtml() implements Answer {}

    /** Waits, then answers normally. */
    record Slow(Duration delay) implements Answer {}

    static Answer tooManyRequests(int retryAfterSeconds) {
      return new TooManyRequests(retryAfterSeconds);
    }

    static Answer serverError() {
      return new ServerError(502);
    }

    static Answer rejectHtml() {
      return new RejectHtml();
    }

    static Answer slow(Duration delay) {
      return new Slow(delay);
    }
  }

  /**
   * One {@code sendMessage} request as received.
   *
   * @param text the text as sent
   * @param visibleText what a reader sees: tags removed and entities decoded in HTML mode
   * @param status the HTTP status the fake answered
   * @param messageId the id of the created message, or 0 when the request was refused
   */
  public record Request(
      Instant receivedAt,
      String chatId,
      String text,
      String parseMode,
      String visibleText,
      int status,
      long messageId) {

    public boolean accepted() {
      return status == 200;
    }
  }

  private final String token;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong messageIds = new AtomicLong(1000);
  private final AtomicLong calls = new AtomicLong();
  private volatile EveryNth everyNth;

  private record EveryNth(int n, Answer answer) {}

  private FakeTelegramBotApi(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a fake bot with the given token on a free loopback port. */
  public static FakeTelegramBotApi start(String token) {
    try {
      return new FakeTelegramBotApi(token);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the fake Telegram Bot API", e);
    }
  }

  /** The base URL to configure instead of {@code https://api.telegram.org}. */
  public String baseUrl() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  public String token() {
    return token;
  }

  /** Queues answers for the next requests, in order; afterwards requests succeed again. */
  public void script(Answer... answers) {
    script.addAll(Arrays.asList(answers));
  }

  /**
   * From now on every {@code n}th {@code sendMessage} request (counted over all chats, from the
   * fake's start) gets {@code answer} instead of a normal reply; a queued {@link #script} answer
   * still comes first. Like Telegram under load answering 429 to one request in five.
   */
  public void everyNth(int n, Answer answer) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1");
    }
    everyNth = new EveryNth(n, answer);
  }

  /** Every request received so far, in arrival order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The messages that were accepted for one chat, in arrival order. */
  public List<Request> delivered(String chatId) {
    return requests.stream().filter(r -> r.accepted() && r.chatId().equals(chatId)).toList();
  }

  /** Forgets the script, the every-nth rule and every recorded request. */
  public void reset() {
    script.clear();
    everyNth = null;
    requests.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Instant receivedAt = Instant.now();
      String path = exchange.getRequestURI().getPath();
      if (!path.startsWith("/bot" + token + "/")) {
        reply(exchange, 401, error(401, "Unauthorized", null));
        return;
      }
      String method = path.substring(("/bot" + token + "/").length());
      if (!method.equals("sendMessage") || !exchange.getRequestMethod().equals("POST")) {
        reply(exchange, 404, error(404, "Not Found", null));
        return;
      }
      Map<String, String> params = readParams(exchange);
      answer(exchange, receivedAt, params);
    }
  }

  private void answer(HttpExchange exchange, Instant receivedAt, Map<String, String> params)
      throws IOException {
    String chatId = params.get("chat_id");
    String text = params.getOrDefault("text", "");
    String parseMode = params.get("parse_mode");
    long call = calls.incrementAndGet();
    Answer scripted = script.poll();
    EveryNth rule = everyNth;
    if (scripted == null && rule != null && call % rule.n() == 0) {
      scripted = rule.answer();
    }
    switch (scripted) {
      case Answer.TooManyRequests(int retryAfter) -> {
        record(receivedAt, chatId, text, parseMode, null, 429, 0);
        reply(
            exchange,
            429,
            error(
                429,
                "Too Many Requests: retry after " + retryAfter,
                "{\"retry_after\":" + retryAfter + "}"));
        return;
      }
      case Answer.ServerError(int status) -> {
        record(receivedAt, chatId, text, parseMode, null, status, 0);
        reply(exchange, status, error(status, "Internal Server Error", null));
        return;
      }
      case Answer.Slow(Duration delay) -> sleep(delay);
      case Answer.RejectHtml() -> {
        if ("HTML".equalsIgnoreCase(parseMode)) {
          badRequest(exchange, receivedAt, params, "can't parse entities: Unsupported start tag");
          return;
        }
      }
      case null -> {}
    }
    if (chatId == null || chatId.isBlank()) {
      badRequest(exchange, receivedAt, params, "chat not found");
      return;
    }
    if (text.isBlank()) {
      badRequest(exchange, receivedAt, params, "message text is empty");
      return;
    }
    String visible = text;
    if ("HTML".equalsIgnoreCase(parseMode)) {
      try {
        visible = TelegramHtml.render(text);
      } catch (TelegramHtml.ParseError e) {
        badRequest(exchange, receivedAt, params, "can't parse entities: " + e.getMessage());
        return;
      }
    }
    if (visible.length() > 4096) {
      badRequest(exchange, receivedAt, params, "message is too long");
      return;
    }
    long messageId = messageIds.incrementAndGet();
    record(receivedAt, chatId, text, parseMode, visible, 200, messageId);
    String chatJson = chatId.matches("-?\\d+") ? chatId : WireJson.quote(chatId);
    reply(
        exchange,
        200,
        "{\"ok\":true,\"result\":{\"message_id\":"
            + messageId
            + ",\"from\":{\"id\":7000000001,\"is_bot\":true,\"first_name\":\"Tasklane\","
            + "\"username\":\"tasklane_bot\"},\"chat\":{\"id\":"
            + chatJson
            + ",\"type\":\"private\"},\"date\":"
            + receivedAt.getEpochSecond()
            + ",\"text\":"
            + WireJson.quote(visible)
            + "}}");
  }

  private void badRequest(
      HttpExchange exchange, Instant receivedAt, Map<String, String> params, String description)
      throws IOException {
    record(
        receivedAt,
        params.get("chat_id"),
        params.get("text"),
        params.get("parse_mode"),
        null,
        400,
        0);
    reply(exchange, 400, error(400, "Bad Request: " + description, null));
  }

  private void record(
      Instant receivedAt,
      String chatId,
      String text,
      String parseMode,
      String visible,
      int status,
      long messageId) {
    requests.add(new Request(receivedAt, chatId, text, parseMode, visible, status, messageId));
  }

  private static Map<String, String> readParams(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null && contentType.startsWith("application/json")) {
      return WireJson.parseFlatObject(body);
    }
    return Arrays.stream(body.split("&"))
        .filter(pair -> !pair.isEmpty())
        .map(pair -> pair.split("=", 2))
        .collect(
            Collectors.toMap(
                pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                pair -> pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "",
                (first, second) -> second));
  }

  private static String error(int code, String description, String parameters) {
    return "{\"ok\":false,\"error_code\":"
        + code
        + ",\"description\":"
        + WireJson.quote(description)
        + (parameters == null ? "" : ",\"parameters\":" + parameters)
        + "}";
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

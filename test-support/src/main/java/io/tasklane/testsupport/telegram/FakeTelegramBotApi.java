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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
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
 * slow reply. Every request is recorded with the instant it arrived, its {@code reply_markup} and
 * the message it replies to.
 *
 * <p>It also plays the users: {@link #pressButton} and {@link #reply} queue updates that {@code
 * getUpdates} hands out with Telegram's offset semantics (a long poll that returns as soon as an
 * update is there; asking with an offset confirms every update below it, which is then gone), and
 * {@code answerCallbackQuery} is recorded.
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
      long messageId,
      String replyMarkup,
      long replyToMessageId) {

    public boolean accepted() {
      return status == 200;
    }

    /**
     * The inline keyboard's buttons as {@code text → callback_data}, row by row; empty without one.
     */
    @SuppressWarnings("unchecked")
    public Map<String, String> buttons() {
      Map<String, String> buttons = new LinkedHashMap<>();
      if (replyMarkup == null) {
        return buttons;
      }
      var markup = (Map<String, Object>) WireJson.parse(replyMarkup);
      var rows =
          (List<List<Map<String, Object>>>) markup.getOrDefault("inline_keyboard", List.of());
      for (var row : rows) {
        for (var button : row) {
          buttons.put(
              String.valueOf(button.get("text")), String.valueOf(button.get("callback_data")));
        }
      }
      return buttons;
    }
  }

  /** One {@code answerCallbackQuery} call. */
  public record CallbackAnswer(String callbackQueryId, String text, boolean showAlert) {}

  private final String token;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong messageIds = new AtomicLong(1000);
  private final AtomicLong calls = new AtomicLong();
  private volatile EveryNth everyNth;
  private final List<CallbackAnswer> callbackAnswers = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> updatePolls = new CopyOnWriteArrayList<>();
  private final AtomicLong callbackIds = new AtomicLong();

  /** Updates not confirmed yet, by update_id; guarded by itself. */
  private final TreeMap<Long, String> updates = new TreeMap<>();

  private long nextUpdateId = 700_000_001L;
  private long confirmedBelow;

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

  /**
   * A user in {@code chatId} (user id {@code fromId}) presses an inline button with {@code
   * callbackData} under the bot's message {@code messageId}; returns the callback query's id.
   */
  public String pressButton(String chatId, long fromId, long messageId, String callbackData) {
    String id = "cbq-" + callbackIds.incrementAndGet();
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", messageId);
    message.put("chat", chat(chatId));
    message.put("date", Instant.now().getEpochSecond());
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("id", id);
    query.put("from", user(fromId));
    query.put("message", message);
    query.put("chat_instance", "ci-" + chatId);
    query.put("data", callbackData);
    queueUpdate("callback_query", query);
    return id;
  }

  /**
   * A user in {@code chatId} answers the bot's message {@code replyToMessageId} with {@code text};
   * returns the new message's id.
   */
  public long reply(String chatId, long fromId, long replyToMessageId, String text) {
    long id = messageIds.incrementAndGet();
    Map<String, Object> original = new LinkedHashMap<>();
    original.put("message_id", replyToMessageId);
    original.put("chat", chat(chatId));
    original.put("date", Instant.now().getEpochSecond());
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", id);
    message.put("from", user(fromId));
    message.put("chat", chat(chatId));
    message.put("date", Instant.now().getEpochSecond());
    message.put("text", text);
    message.put("reply_to_message", original);
    queueUpdate("message", message);
    return id;
  }

  /**
   * Telegram forgets that the updates handed out so far were confirmed, as if the bot stopped right
   * after handling them and before its next {@code getUpdates} told Telegram so: a bot that asks
   * again without the right offset gets them again.
   */
  public void forgetConfirmations() {
    synchronized (updates) {
      confirmedBelow = 0;
    }
  }

  /** Every {@code answerCallbackQuery} call, in order. */
  public List<CallbackAnswer> callbackAnswers() {
    return List.copyOf(callbackAnswers);
  }

  /** The answer to one callback query, once there is one. */
  public Optional<CallbackAnswer> callbackAnswer(String callbackQueryId) {
    return callbackAnswers.stream()
        .filter(answer -> answer.callbackQueryId().equals(callbackQueryId))
        .findFirst();
  }

  /** The parameters of every {@code getUpdates} call so far. */
  public List<Map<String, String>> updatePolls() {
    return List.copyOf(updatePolls);
  }

  private void queueUpdate(String kind, Map<String, Object> content) {
    synchronized (updates) {
      long id = nextUpdateId++;
      Map<String, Object> update = new LinkedHashMap<>();
      update.put("update_id", id);
      update.put(kind, content);
      updates.put(id, WireJson.write(update));
      updates.notifyAll();
    }
  }

  private static Map<String, Object> chat(String chatId) {
    Map<String, Object> chat = new LinkedHashMap<>();
    chat.put("id", chatId.matches("-?\\d+") ? (Object) Long.parseLong(chatId) : chatId);
    chat.put("type", "private");
    return chat;
  }

  private static Map<String, Object> user(long id) {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("id", id);
    user.put("is_bot", false);
    user.put("first_name", "Operator");
    return user;
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
      if (!exchange.getRequestMethod().equals("POST")) {
        reply(exchange, 404, error(404, "Not Found", null));
        return;
      }
      switch (method) {
        case "sendMessage" -> answer(exchange, receivedAt, readParams(exchange));
        case "getUpdates" -> getUpdates(exchange, readParams(exchange));
        case "answerCallbackQuery" -> answerCallbackQuery(exchange, readParams(exchange));
        case "deleteWebhook", "setWebhook" -> reply(exchange, 200, "{\"ok\":true,\"result\":true}");
        default -> reply(exchange, 404, error(404, "Not Found", null));
      }
    }
  }

  private void getUpdates(HttpExchange exchange, Map<String, String> params) throws IOException {
    updatePolls.add(params);
    long offset = params.containsKey("offset") ? Long.parseLong(params.get("offset")) : 0;
    long timeoutMillis = Math.min(Long.parseLong(params.getOrDefault("timeout", "0")), 50) * 1000;
    List<String> batch;
    synchronized (updates) {
      if (offset > 0) {
        confirmedBelow = Math.max(confirmedBelow, offset);
      }
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
      while (true) {
        batch = List.copyOf(updates.tailMap(Math.max(offset, confirmedBelow), true).values());
        long left = deadline - System.nanoTime();
        if (!batch.isEmpty() || left <= 0) {
          break;
        }
        try {
          updates.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    reply(exchange, 200, "{\"ok\":true,\"result\":[" + String.join(",", batch) + "]}");
  }

  private void answerCallbackQuery(HttpExchange exchange, Map<String, String> params)
      throws IOException {
    String id = params.get("callback_query_id");
    if (id == null || id.isBlank()) {
      reply(
          exchange, 400, error(400, "Bad Request: query is too old or query ID is invalid", null));
      return;
    }
    callbackAnswers.add(
        new CallbackAnswer(
            id,
            params.get("text"),
            Boolean.parseBoolean(params.getOrDefault("show_alert", "false"))));
    reply(exchange, 200, "{\"ok\":true,\"result\":true}");
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
        record(receivedAt, params, null, 429, 0);
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
        record(receivedAt, params, null, status, 0);
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
    record(receivedAt, params, visible, 200, messageId);
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
    record(receivedAt, params, null, 400, 0);
    reply(exchange, 400, error(400, "Bad Request: " + description, null));
  }

  private void record(
      Instant receivedAt, Map<String, String> params, String visible, int status, long messageId) {
    String markup = params.get("reply_markup");
    long replyTo = 0;
    if (params.get("reply_parameters") != null) {
      replyTo =
          Long.parseLong(
              WireJson.parseFlatObject(params.get("reply_parameters"))
                  .getOrDefault("message_id", "0"));
    } else if (params.get("reply_to_message_id") != null) {
      replyTo = Long.parseLong(params.get("reply_to_message_id"));
    }
    requests.add(
        new Request(
            receivedAt,
            params.get("chat_id"),
            params.get("text"),
            params.get("parse_mode"),
            visible,
            status,
            messageId,
            markup,
            replyTo));
  }

  private static Map<String, String> readParams(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (body.isBlank()) {
      return Map.of();
    }
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

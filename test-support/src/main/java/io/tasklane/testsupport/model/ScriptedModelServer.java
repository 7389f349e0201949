package io.tasklane.testsupport.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tasklane.testsupport.WireJson;
import io.tasklane.testsupport.model.RecordedRequest.Message;
import io.tasklane.testsupport.model.RecordedRequest.WireFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.core.JacksonException;

/**
 * A model server for tests that speaks the real wire formats: OpenAI {@code POST
 * /v1/chat/completions} (non-streaming) and Ollama {@code POST /api/chat} (non-streaming), tool
 * calls included, and the model listings {@code GET /v1/models} and {@code GET /api/tags} (the
 * scripted models). Each model name has its own {@link Script}, so one test can play a good
 * executor next to a fooled or strict verifier. Every request is recorded.
 *
 * <p>Malformed tool arguments travel as the OpenAI format carries them, a string; in the Ollama
 * format, where arguments are an object, they are sent as a JSON string instead of an object.
 */
public final class ScriptedModelServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  private ScriptedModelServer(HttpServer server) {
    this.server = server;
  }

  /** Starts a server on a free loopback port. */
  public static ScriptedModelServer start() {
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
      ScriptedModelServer scripted = new ScriptedModelServer(http);
      http.setExecutor(scripted.executor);
      http.createContext("/", scripted::handle);
      http.start();
      return scripted;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the scripted model server", e);
    }
  }

  /** The base URL an OpenAI client is given (it appends {@code /chat/completions}). */
  public String openAiBaseUrl() {
    return baseUrl() + "/v1";
  }

  /** The base URL an Ollama client is given (it appends {@code /api/chat}). */
  public String ollamaBaseUrl() {
    return baseUrl();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Sets how {@code model} answers from now on. A model without a script answers 404. */
  public ScriptedModelServer script(String model, Script script) {
    scripts.put(model, script);
    return this;
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public List<RecordedRequest> requests(String model) {
    return requests.stream().filter(r -> model.equals(r.model())).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!"POST".equals(exchange.getRequestMethod())) {
        if (path.equals("/api/tags")) {
          send(exchange, 200, "application/json", ollamaTags());
        } else if (path.equals("/v1/models")) {
          send(exchange, 200, "application/json", openAiModels());
        } else {
          send(exchange, 200, "text/plain", "scripted model server");
        }
        return;
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      WireFormat format;
      if (path.endsWith("/chat/completions")) {
        format = WireFormat.OPENAI;
      } else if (path.equals("/api/chat")) {
        format = WireFormat.OLLAMA;
      } else {
        send(exchange, 404, "application/json", error("unknown path " + path));
        return;
      }
      RecordedRequest request = record(format, body);
      requests.add(request);
      try {
        Script script = scripts.get(request.model());
        if (script == null) {
          send(exchange, 404, "application/json", error("no script for " + request.model()));
          return;
        }
        answer(exchange, request, script.reply(request));
      } finally {
        request.markCompleted();
      }
    }
  }

  private void answer(HttpExchange exchange, RecordedRequest request, Reply reply)
      throws IOException {
    switch (reply) {
      case Reply.Delayed delayed -> {
        try {
          Thread.sleep(delayed.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        answer(exchange, request, delayed.reply());
      }
      case Reply.Status status ->
          send(exchange, status.code(), "application/json", error(status.message()));
      case Reply.Hang hang -> hang(exchange, request, hang);
      case Reply.Text text ->
          send(exchange, 200, "application/json", completion(request, text.content(), List.of()));
      case Reply.ToolCalls calls ->
          send(
              exchange,
              200,
              "application/json",
              completion(request, calls.content(), calls.calls()));
    }
  }

  /**
   * Sends headers, then a space every few milliseconds (valid leading JSON whitespace) so that a
   * client that gives up is noticed as a failed write.
   */
  private void hang(HttpExchange exchange, RecordedRequest request, Reply.Hang hang) {
    long deadline = System.nanoTime() + hang.atMost().toNanos();
    try {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      while (System.nanoTime() < deadline) {
        out.write(' ');
        out.flush();
        Thread.sleep(20);
      }
    } catch (IOException e) {
      request.markAborted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The scripted models, as Ollama lists what it has pulled. */
  private String ollamaTags() {
    List<Map<String, Object>> models = new ArrayList<>();
    for (String name : scripts.keySet()) {
      models.add(Map.of("name", name, "model", name));
    }
    return WireJson.write(Map.of("models", models));
  }

  /** The scripted models, as an OpenAI-compatible server lists what it serves. */
  private String openAiModels() {
    List<Map<String, Object>> models = new ArrayList<>();
    for (String name : scripts.keySet()) {
      models.add(Map.of("id", name, "object", "model", "owned_by", "scripted"));
    }
    return WireJson.write(Map.of("object", "list", "data", models));
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String error(String message) {
    return WireJson.write(
        Map.of("error", Map.of("message", message, "type", "scripted_error", "code", "scripted")));
  }

  private static String completion(
      RecordedRequest request, String content, List<Reply.Call> calls) {
    int promptTokens = Math.max(1, request.body().length() / 4);
    int completionTokens = 1 + (content.length() + calls.toString().length()) / 4;
    return switch (request.format()) {
      case OPENAI -> openAiCompletion(request, content, calls, promptTokens, completionTokens);
      case OLLAMA -> ollamaCompletion(request, content, calls, promptTokens, completionTokens);
    };
  }

  private static String openAiCompletion(
      RecordedRequest request,
      String content,
      List<Reply.Call> calls,
      int promptTokens,
      int completionTokens) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", calls.isEmpty() ? content : (content.isEmpty() ? null : content));
    message.put("refusal", null);
    if (!calls.isEmpty()) {
      List<Object> toolCalls = new ArrayList<>();
      for (Reply.Call call : calls) {
        toolCalls.add(
            Map.of(
                "id",
                "call_" + UUID.randomUUID().toString().substring(0, 8),
                "type",
                "function",
                "function",
                Map.of("name", call.tool(), "arguments", call.arguments())));
      }
      message.put("tool_calls", toolCalls);
    }
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("message", message);
    choice.put("logprobs", null);
    choice.put("finish_reason", calls.isEmpty() ? "stop" : "tool_calls");
    Map<String, Object> completion = new LinkedHashMap<>();
    completion.put("id", "chatcmpl-" + UUID.randomUUID());
    completion.put("object", "chat.completion");
    completion.put("created", Instant.now().getEpochSecond());
    completion.put("model", request.model());
    completion.put("choices", List.of(choice));
    completion.put(
        "usage",
        Map.of(
            "prompt_tokens",
            promptTokens,
            "completion_tokens",
            completionTokens,
            "total_tokens",
            promptTokens + completionTokens));
    return WireJson.write(completion);
  }

  private static String ollamaCompletion(
      RecordedRequest request,
      String content,
      List<Reply.Call> calls,
      int promptTokens,
      int completionTokens) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", content);
    if (!calls.isEmpty()) {
      List<Object> toolCalls = new ArrayList<>();
      for (Reply.Call call : calls) {
        toolCalls.add(
            Map.of("function", Map.of("name", call.tool(), "arguments", ollamaArguments(call))));
      }
      message.put("tool_calls", toolCalls);
    }
    Map<String, Object> completion = new LinkedHashMap<>();
    completion.put("model", request.model());
    completion.put("created_at", Instant.now().toString());
    completion.put("message", message);
    completion.put("done", true);
    completion.put("done_reason", "stop");
    completion.put("total_duration", 1000);
    completion.put("prompt_eval_count", promptTokens);
    completion.put("eval_count", completionTokens);
    return WireJson.write(completion);
  }

  private static Object ollamaArguments(Reply.Call call) {
    try {
      if (WireJson.parse(call.arguments()) instanceof Map<?, ?>) {
        return WireJson.raw(call.arguments());
      }
    } catch (JacksonException malformed) {
      // sent as a string below, the way a broken server would
    }
    return call.arguments();
  }

  @SuppressWarnings("unchecked")
  private static RecordedRequest record(WireFormat format, String body) {
    Map<String, Object> json = (Map<String, Object>) WireJson.parse(body);
    List<Message> messages = new ArrayList<>();
    for (Object raw : (List<Object>) json.getOrDefault("messages", List.of())) {
      Map<String, Object> m = (Map<String, Object>) raw;
      List<String> calls = new ArrayList<>();
      for (Object c : (List<Object>) m.getOrDefault("tool_calls", List.of())) {
        Map<String, Object> function =
            (Map<String, Object>) ((Map<String, Object>) c).get("function");
        Object arguments = function.get("arguments");
        calls.add(
            function.get("name")
                + "("
                + (arguments instanceof String s ? s : WireJson.write(arguments))
                + ")");
      }
      messages.add(
          new Message(
              String.valueOf(m.get("role")),
              contentOf(m.get("content")),
              calls,
              (String) m.get("tool_call_id")));
    }
    List<String> tools = new ArrayList<>();
    for (Object t : (List<Object>) Objects.requireNonNullElse(json.get("tools"), List.of())) {
      Map<String, Object> function =
          (Map<String, Object>) ((Map<String, Object>) t).get("function");
      tools.add(String.valueOf(function.get("name")));
    }
    return new RecordedRequest(format, String.valueOf(json.get("model")), messages, tools, body);
  }

  @SuppressWarnings("unchecked")
  private static String contentOf(Object content) {
    if (content == null) {
      return "";
    }
    if (content instanceof List<?> parts) {
      StringBuilder text = new StringBuilder();
      for (Object part : parts) {
        Object t = ((Map<String, Object>) part).get("text");
        if (t != null) {
          text.append(t);
        }
      }
      return text.toString();
    }
    return String.valueOf(content);
  }
}

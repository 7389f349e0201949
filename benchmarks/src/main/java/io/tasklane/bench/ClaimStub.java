package io.tasklane.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tasklane.contracts.TaskClaim;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ledger's claim endpoint and nothing else: each offered task can be claimed once, for its
 * attempt. Enough for a runner to take dispatched tasks without a ledger behind it. Counts how many
 * claims it was answering at once.
 */
final class ClaimStub implements AutoCloseable {

  private static final Pattern CLAIM = Pattern.compile("/internal/v1/tasks/([0-9a-f-]+)/claim");

  private final HttpServer server;
  private final JsonMapper json = JsonMapper.builder().build();
  private final Map<UUID, TaskClaim.Granted> offered = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  private ClaimStub(HttpServer server) {
    this.server = server;
  }

  static ClaimStub start() throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
    ClaimStub stub = new ClaimStub(http);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext("/", stub::handle);
    http.start();
    return stub;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void offer(TaskClaim.Granted task) {
    offered.put(task.taskId(), task);
  }

  /** The most claims in flight at once so far. */
  int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try (exchange) {
      Matcher m = CLAIM.matcher(exchange.getRequestURI().getPath());
      TaskClaim.Granted task = m.matches() ? offered.remove(UUID.fromString(m.group(1))) : null;
      exchange.getRequestBody().readAllBytes();
      byte[] body =
          (task == null ? "{\"title\":\"Not claimable\"}" : json.writeValueAsString(task))
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(task == null ? 409 : 200, body.length);
      exchange.getResponseBody().write(body);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

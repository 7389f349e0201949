package io.tasklane.runner.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.testsupport.TestIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ledger's claim endpoint over real HTTP, with the ledger's answers: 200 with the task for the
 * offered attempt (once), 409 for an attempt already claimed or not offered, 404 for an unknown
 * task. A claim can be made to take a while, or to fail with 503 as an unreachable ledger would.
 * Like the ledger, it refuses a claim without a valid runner signature.
 */
public final class LedgerStub implements AutoCloseable {

  private static final Pattern CLAIM = Pattern.compile("/internal/v1/tasks/([0-9a-f-]+)/claim");

  public record Claim(
      UUID taskId,
      int attempt,
      String runnerId,
      int status,
      long receivedNanos,
      long answeredNanos) {}

  private final HttpServer server;
  private final JsonMapper json = JsonMapper.builder().build();
  private final Map<UUID, TaskClaim.Granted> offered = new ConcurrentHashMap<>();
  private final Map<UUID, Integer> claimed = new ConcurrentHashMap<>();
  private final Map<UUID, Duration> delays = new ConcurrentHashMap<>();
  private final Map<UUID, Integer> failures = new ConcurrentHashMap<>();
  private final List<Claim> claims = new CopyOnWriteArrayList<>();
  private final AtomicInteger unsigned = new AtomicInteger();

  private LedgerStub(HttpServer server) {
    this.server = server;
  }

  public static LedgerStub start() {
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      LedgerStub stub = new LedgerStub(http);
      http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      http.createContext("/", stub::handle);
      http.start();
      return stub;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Makes {@code task} claimable for its attempt. */
  public void offer(TaskClaim.Granted task) {
    offered.put(task.taskId(), task);
  }

  /** Claims of the task are answered only after {@code delay}. */
  public void delayClaims(UUID taskId, Duration delay) {
    delays.put(taskId, delay);
  }

  /** The next {@code times} claims of the task fail with 503. */
  public void failClaims(UUID taskId, int times) {
    failures.put(taskId, times);
  }

  public List<Claim> claims() {
    return List.copyOf(claims);
  }

  /** How many requests came without a valid runner signature (and were refused with 401/403). */
  public int unsigned() {
    return unsigned.get();
  }

  public List<Claim> granted() {
    return claims.stream().filter(c -> c.status() == 200).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long received = System.nanoTime();
      Matcher m = CLAIM.matcher(exchange.getRequestURI().getPath());
      if (!m.matches() || !"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 404, "{\"title\":\"Not found\"}");
        return;
      }
      if (TestIdentity.SIGNING.admit(
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders()::getFirst,
              Instant.now())
          instanceof SignedIdentity.Admission.Refused refused) {
        unsigned.incrementAndGet();
        send(
            exchange,
            refused.status(),
            "{\"type\":\"https://tasklane.io/problems/" + refused.slug() + "\"}");
        return;
      }
      UUID taskId = UUID.fromString(m.group(1));
      TaskClaim claim = json.readValue(exchange.getRequestBody(), TaskClaim.class);
      sleep(delays.getOrDefault(taskId, Duration.ZERO));
      int status = decide(taskId, claim);
      claims.add(
          new Claim(
              taskId, claim.attempt(), claim.runnerId(), status, received, System.nanoTime()));
      if (status == 200) {
        send(exchange, 200, json.writeValueAsString(offered.get(taskId)));
      } else if (status == 503) {
        send(exchange, 503, "{\"title\":\"Service unavailable\",\"status\":503}");
      } else {
        send(
            exchange,
            status,
            "{\"type\":\"https://tasklane.io/problems/not-claimable\",\"title\":\"Not claimable\",\"status\":"
                + status
                + "}");
      }
    }
  }

  /** The ledger's compare-and-set: one claim at a time decides, however many are in flight. */
  private synchronized int decide(UUID taskId, TaskClaim claim) {
    int failing = failures.getOrDefault(taskId, 0);
    if (failing > 0) {
      failures.put(taskId, failing - 1);
      return 503;
    }
    TaskClaim.Granted task = offered.get(taskId);
    if (task == null) {
      return 404;
    }
    if (task.attempt() != claim.attempt()
        || claimed.get(taskId) != null && claimed.get(taskId) == claim.attempt()) {
      return 409;
    }
    claimed.put(taskId, claim.attempt());
    return 200;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

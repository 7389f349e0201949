package io.tasklane.notifier;

import com.sun.net.httpserver.HttpServer;
import io.tasklane.contracts.SignedIdentity;
import io.tasklane.testsupport.TestIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stands in for the ledger's task API in the notifier's own tests: records every call with its
 * identity headers and body, checks nothing, and answers 200 with the task (or a problem scripted
 * for one task).
 */
final class RecordingLedger implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * One call as received.
   *
   * @param action the last path segment: approve, deny, resume or cancel
   */
  record Call(
      String method,
      String path,
      UUID taskId,
      String action,
      String tenant,
      String caller,
      String scopes,
      String signature,
      JsonNode body) {

    /** The identity the call carries, if its signature is valid with the shared test key. */
    Optional<SignedIdentity.Identity> verifiedIdentity() {
      return TestIdentity.SIGNING.verify(tenant, caller, scopes, signature, Instant.now());
    }
  }

  private record Problem(int status, String detail) {}

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<UUID, Problem> problems = new ConcurrentHashMap<>();

  private RecordingLedger() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String[] segments = path.split("/");
            UUID taskId = segments.length > 4 ? UUID.fromString(segments[4]) : null;
            String action = segments[segments.length - 1];
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            calls.add(
                new Call(
                    exchange.getRequestMethod(),
                    path,
                    taskId,
                    action,
                    headers.getFirst(SignedIdentity.TENANT_HEADER),
                    headers.getFirst(SignedIdentity.CALLER_HEADER),
                    headers.getFirst(SignedIdentity.SCOPES_HEADER),
                    headers.getFirst(SignedIdentity.IDENTITY_HEADER),
                    body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body)));
            Problem problem = taskId == null ? null : problems.get(taskId);
            byte[] answer;
            int status;
            if (problem != null) {
              status = problem.status();
              answer =
                  JSON.writeValueAsBytes(
                      Map.of(
                          "type",
                          "https://tasklane.io/problems/conflict",
                          "title",
                          "Refused",
                          "status",
                          status,
                          "detail",
                          problem.detail()));
              exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
            } else {
              status = 200;
              String next = action.equals("cancel") ? "cancelled" : "queued";
              answer =
                  JSON.writeValueAsBytes(Map.of("taskId", String.valueOf(taskId), "status", next));
              exchange.getResponseHeaders().set("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
          }
        });
    server.start();
  }

  static RecordingLedger start() {
    try {
      return new RecordingLedger();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the recording ledger", e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on every call about {@code taskId} is refused with this status and detail. */
  void refuse(UUID taskId, int status, String detail) {
    problems.put(taskId, new Problem(status, detail));
  }

  List<Call> callsFor(UUID taskId) {
    return calls.stream().filter(c -> taskId.equals(c.taskId())).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

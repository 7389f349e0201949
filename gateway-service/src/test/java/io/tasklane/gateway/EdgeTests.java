package io.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.SignedIdentity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EdgeTests {

  static final String WRITER_KEY = "tl_writer_secret";
  static final String READER_KEY = "tl_reader_secret";
  static final String LIMITED_KEY = "tl_limited_secret";
  static final Backend LEDGER = startBackend("ledger");
  static final Backend NOTIFIER = startBackend("notifier");
  static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired Environment environment;
  final HttpClient http = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void backends(DynamicPropertyRegistry registry) {
    registry.add("tasklane.gateway.ledger-url", LEDGER::url);
    registry.add("tasklane.gateway.notifier-url", NOTIFIER::url);
    registry.add("tasklane.gateway.max-request-bytes", () -> "4096");
    registry.add("tasklane.gateway.rate-limit.requests-per-second", () -> "1000");
    registry.add("tasklane.gateway.rate-limit.burst", () -> "1000");
    registry.add("tasklane.gateway.cors.allowed-origins", () -> "https://app.example.test");
    key(registry, 0, "writer", WRITER_KEY, "acme", "tasks:read,tasks:write");
    key(registry, 1, "reader", READER_KEY, "acme", "tasks:read");
    key(registry, 2, "limited", LIMITED_KEY, "globex", "tasks:read");
  }

  static void key(
      DynamicPropertyRegistry registry,
      int i,
      String name,
      String key,
      String tenant,
      String scopes) {
    String prefix = "tasklane.gateway.api-keys[" + i + "].";
    registry.add(prefix + "name", () -> name);
    registry.add(prefix + "hash", () -> "sha256:" + sha256(key));
    registry.add(prefix + "tenant", () -> tenant);
    registry.add(prefix + "scopes", () -> scopes);
  }

  @AfterAll
  static void stopBackends() {
    LEDGER.close();
    NOTIFIER.close();
  }

  @BeforeEach
  void forget() {
    LEDGER.received().clear();
    NOTIFIER.received().clear();
  }

  @Test
  void aRequestWithoutCredentialsIsUnauthorizedAndNeverForwarded() throws Exception {
    var response = send(request("/api/v1/tasks").GET());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(json(response).get("type").asString())
        .isEqualTo("https://tasklane.io/problems/unauthenticated");
    assertThat(LEDGER.received()).isEmpty();
  }

  @Test
  void anUnknownKeyIsUnauthorized() throws Exception {
    var response = send(request("/api/v1/tasks").header("Authorization", "Bearer tl_guess").GET());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("tl_guess");
    assertThat(LEDGER.received()).isEmpty();
  }

  @Test
  void aReadOnlyKeyCannotCreate() throws Exception {
    var response =
        send(
            request("/api/v1/tasks")
                .header("X-API-Key", READER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"goal\":\"x\"}")));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json(response).get("type").asString())
        .isEqualTo("https://tasklane.io/problems/forbidden");
    assertThat(json(response).get("detail").asString()).contains("tasks:write");
    assertThat(LEDGER.received()).isEmpty();
  }

  @Test
  void theResolvedTenantReplacesWhateverTheClientClaimedAndCredentialsStayAtTheEdge()
      throws Exception {
    var response =
        send(
            request("/api/v1/tasks?status=running")
                .header("Authorization", "Bearer " + WRITER_KEY)
                .header("X-Tasklane-Tenant", "someone-else")
                .header("X-Tasklane-Admin", "true")
                .GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(LEDGER.received())
        .singleElement()
        .satisfies(
            received -> {
              assertThat(received.path()).isEqualTo("/api/v1/tasks");
              assertThat(received.header("X-Tasklane-Tenant")).isEqualTo("acme");
              assertThat(received.headers().get("X-tasklane-tenant")).hasSize(1);
              assertThat(received.header("X-Tasklane-Admin")).isNull();
              assertThat(received.header("Authorization")).isNull();
              assertThat(
                      SignedIdentity.fromSettings(environment::getProperty)
                          .verify(received::header, Instant.now()))
                  .hasValue(
                      new SignedIdentity.Identity(
                          "acme", "writer", Set.of("tasks:read", "tasks:write")));
            });
  }

  @Test
  void aChunkedBodyOverTheLimitIsRefusedWithoutReachingTheBackend() throws Exception {
    String head =
        "POST /api/v1/tasks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer "
            + WRITER_KEY
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    List<byte[]> chunks = new ArrayList<>();
    chunks.add(chunk("{\"goal\":\""));
    for (int i = 0; i < 40; i++) {
      chunks.add(chunk("x".repeat(1000)));
    }
    chunks.add(chunk("\"}"));
    chunks.add("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    var response =
        new RawHttp(port)
            .exchange(head.getBytes(StandardCharsets.US_ASCII), chunks.toArray(byte[][]::new));

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.isProblem()).isTrue();
    assertThat(response.body()).contains("https://tasklane.io/problems/payload-too-large");
    assertThat(LEDGER.received()).isEmpty();
  }

  @Test
  void aChunkedBodyWithinTheLimitIsForwardedWhole() throws Exception {
    String head =
        "POST /api/v1/tasks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer "
            + WRITER_KEY
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

    var response =
        new RawHttp(port)
            .exchange(
                head.getBytes(StandardCharsets.US_ASCII),
                chunk("{\"goal\":\""),
                chunk("x".repeat(3000)),
                chunk("\"}"),
                "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    assertThat(response.status()).isEqualTo(200);
    assertThat(LEDGER.received())
        .singleElement()
        .satisfies(r -> assertThat(r.body()).hasSize(3011));
  }

  @Test
  void aBodyTheClientNeverFinishesIsABadRequestProblemAndNeverCompletesAtTheBackend()
      throws Exception {
    String head =
        "POST /api/v1/tasks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer "
            + WRITER_KEY
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

    var response =
        new RawHttp(port)
            .exchangeThenEndInput(
                head.getBytes(StandardCharsets.US_ASCII), chunk("{\"goal\":\"never ends"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.isProblem()).isTrue();
    assertThat(response.body()).contains("https://tasklane.io/problems/incomplete-body");
    assertThat(LEDGER.received()).isEmpty();
  }

  @Test
  void metricsAreServedOnTheManagementPortOnlyAndHealthOnBoth() throws Exception {
    var publicPrometheus = send(request("/actuator/prometheus").GET());
    var publicMetrics = send(request("/actuator/metrics").GET());
    var publicHealth = send(request("/actuator/health/readiness").GET());
    var managementPrometheus =
        send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + managementPort + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(30))
                .GET());

    assertThat(publicPrometheus.statusCode()).isEqualTo(404);
    assertThat(json(publicPrometheus).get("type").asString())
        .isEqualTo("https://tasklane.io/problems/not-found");
    assertThat(publicMetrics.statusCode()).isEqualTo(404);
    assertThat(publicHealth.statusCode()).isEqualTo(200);
    assertThat(json(publicHealth).get("status").asString()).isEqualTo("UP");
    assertThat(managementPort).isNotEqualTo(port);
    assertThat(managementPrometheus.statusCode()).isEqualTo(200);
    assertThat(managementPrometheus.body()).contains("jvm_");
    assertThat(LEDGER.received()).isEmpty();
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredAtTheEdgeAndOthersAreProblems() throws Exception {
    var allowed =
        send(
            request("/api/v1/tasks")
                .header("Origin", "https://app.example.test")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    var foreign =
        send(
            request("/api/v1/tasks")
                .header("Origin", "https://evil.example.test")
                .header("X-API-Key", READER_KEY)
                .GET());
    var plainOptions =
        send(request("/api/v1/tasks").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example.test");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(json(foreign).get("type").asString())
        .isEqualTo("https://tasklane.io/problems/cors-rejected");
    assertThat(plainOptions.statusCode()).isEqualTo(401);
    assertThat(LEDGER.received()).isEmpty();
  }

  @Test
  void sessionsGoToTheNotifierAndTasksToTheLedger() throws Exception {
    send(request("/api/v1/sessions/chat-1/messages").header("X-API-Key", READER_KEY).GET());
    send(request("/api/v1/tasks/abc").header("X-API-Key", READER_KEY).GET());

    assertThat(NOTIFIER.received())
        .extracting(Backend.Received::path)
        .containsExactly("/api/v1/sessions/chat-1/messages");
    assertThat(LEDGER.received())
        .extracting(Backend.Received::path)
        .containsExactly("/api/v1/tasks/abc");
  }

  @Test
  void theInternalClaimEndpointIsNotReachable() throws Exception {
    var response =
        send(
            request("/internal/v1/tasks/0b7d3c8e-8e0a-4a44-9f55-3a0f2d1c9e01/claim")
                .header("Authorization", "Bearer " + WRITER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"runnerId\":\"r\",\"attempt\":1}")));
    var viaApi =
        send(
            request("/api/v1/../internal/v1/tasks/0b7d3c8e-8e0a-4a44-9f55-3a0f2d1c9e01/claim")
                .header("Authorization", "Bearer " + WRITER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(viaApi.statusCode()).isIn(400, 404);
    assertThat(LEDGER.received()).isEmpty();
    assertThat(NOTIFIER.received()).isEmpty();
  }

  @Test
  void anOversizeBodyIsRefusedAtTheEdge() throws Exception {
    var response =
        send(
            request("/api/v1/tasks")
                .header("Authorization", "Bearer " + WRITER_KEY)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"goal\":\"" + "x".repeat(5000) + "\"}")));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json(response).get("type").asString())
        .isEqualTo("https://tasklane.io/problems/payload-too-large");
    assertThat(LEDGER.received()).isEmpty();
  }

  @Test
  void serverSentEventsReachTheClientAsTheyHappen() throws Exception {
    CountDownLatch firstSeen = new CountDownLatch(1);
    LEDGER.on(
        "/api/v1/events",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          var out = exchange.getResponseBody();
          out.write(
              "id: 1\nevent: lifecycle\ndata: {\"n\":1}\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          try {
            // the second event is only sent once the client has the first: a buffering proxy would
            // hang here
            if (firstSeen.await(20, TimeUnit.SECONDS)) {
              out.write(
                  "id: 2\nevent: lifecycle\ndata: {\"n\":2}\n\n".getBytes(StandardCharsets.UTF_8));
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          out.close();
        });

    var response =
        http.send(
            request("/api/v1/events")
                .header("X-API-Key", READER_KEY)
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (var lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertThat(readData(lines)).isEqualTo("{\"n\":1}");
      firstSeen.countDown();
      assertThat(readData(lines)).isEqualTo("{\"n\":2}");
    }
  }

  @Test
  void oneOpenApiDocumentCoversThePublicApiWithItsSecurityScheme() throws Exception {
    LEDGER.on(
        "/v3/api-docs",
        exchange ->
            Backend.respond(
                exchange,
                200,
                "{\"openapi\":\"3.1.0\",\"paths\":{\"/api/v1/tasks\":{\"get\":{\"parameters\":[{\"name\":\"X-Tasklane-Tenant\",\"in\":\"header\"},{\"name\":\"X-Tasklane-Identity\",\"in\":\"header\"},{\"name\":\"status\",\"in\":\"query\"}],\"responses\":{\"200\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/TaskView\"}}}}}}}},\"components\":{\"schemas\":{\"TaskView\":{\"type\":\"object\",\"properties\":{\"plan\":{\"$ref\":\"#/components/schemas/PlanStep\"}}},\"PlanStep\":{\"type\":\"object\"},\"SseEmitter\":{\"type\":\"object\"}}}}"));
    NOTIFIER.on(
        "/v3/api-docs",
        exchange ->
            Backend.respond(
                exchange,
                200,
                "{\"openapi\":\"3.1.0\",\"paths\":{\"/api/v1/sessions/{key}/channels\":{\"post\":{\"responses\":{\"201\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Channel\"}}}}}}}},\"components\":{\"schemas\":{\"Channel\":{\"type\":\"object\"}}}}"));

    JsonNode spec = json(send(request("/v3/api-docs").GET()));

    assertThat(spec.get("paths").has("/api/v1/tasks")).isTrue();
    assertThat(spec.get("paths").has("/api/v1/sessions/{key}/channels")).isTrue();
    assertThat(spec.get("components").get("schemas").has("TaskView")).isTrue();
    assertThat(spec.get("components").get("schemas").has("Channel")).isTrue();
    // a schema reached only through another one is kept; one no operation uses is dropped
    assertThat(spec.get("components").get("schemas").has("PlanStep")).isTrue();
    assertThat(spec.get("components").get("schemas").has("SseEmitter")).isFalse();
    assertThat(
            spec.get("components")
                .get("securitySchemes")
                .get("bearerAuth")
                .get("scheme")
                .asString())
        .isEqualTo("bearer");
    assertThat(spec.get("paths").get("/api/v1/tasks").get("get").get("parameters").toString())
        .doesNotContain("X-Tasklane-Tenant")
        .doesNotContain("X-Tasklane-Identity")
        .contains("status");
    assertThat(send(request("/swagger-ui.html").GET()).statusCode()).isIn(200, 302);
  }

  private static byte[] chunk(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] head = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] chunk = new byte[head.length + bytes.length + 2];
    System.arraycopy(head, 0, chunk, 0, head.length);
    System.arraycopy(bytes, 0, chunk, head.length, bytes.length);
    chunk[chunk.length - 2] = '\r';
    chunk[chunk.length - 1] = '\n';
    return chunk;
  }

  private static String readData(BufferedReader lines) throws Exception {
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith("data:")) {
        return line.substring(5).trim();
      }
    }
    return null;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(30));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  static Backend startBackend(String name) {
    try {
      return new Backend(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

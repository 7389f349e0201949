package io.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the gateway answers itself, whether its own code, the framework or the HTTP server refuses:
 * always a problem with a stable type.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ErrorFormatTests {

  static final String KEY = "tl_errors_secret";
  static final Backend SLOW_NOTIFIER = EdgeTests.startBackend("notifier");

  @LocalServerPort int port;

  @DynamicPropertySource
  static void gateway(DynamicPropertyRegistry registry) {
    registry.add("tasklane.gateway.ledger-url", () -> "http://127.0.0.1:" + closedPort());
    registry.add("tasklane.gateway.notifier-url", SLOW_NOTIFIER::url);
    registry.add("spring.cloud.gateway.server.webflux.httpclient.response-timeout", () -> "1s");
    EdgeTests.key(registry, 0, "errors", KEY, "acme", "tasks:read,tasks:write");
    SLOW_NOTIFIER.on(
        "/api/v1/sessions/slow/messages",
        exchange -> {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Backend.respond(exchange, 200, "{}");
        });
  }

  @AfterAll
  static void stop() {
    SLOW_NOTIFIER.close();
  }

  @Test
  void anUnreachableBackendIsABadGatewayProblem() throws Exception {
    var response = raw().send("GET", "/api/v1/tasks", "X-API-Key: " + KEY);

    assertThat(response.status()).isEqualTo(502);
    assertProblem(response, "bad-gateway");
    assertThat(response.body()).doesNotContain("127.0.0.1").doesNotContain("Connection refused");
  }

  @Test
  void aBackendThatDoesNotAnswerInTimeIsAGatewayTimeoutProblem() throws Exception {
    var response = raw().send("GET", "/api/v1/sessions/slow/messages", "X-API-Key: " + KEY);

    assertThat(response.status()).isEqualTo(504);
    assertProblem(response, "gateway-timeout");
  }

  @Test
  void aMethodTheApiDoesNotHaveIsAMethodNotAllowedProblem() throws Exception {
    var trace = raw().send("TRACE", "/api/v1/tasks", "X-API-Key: " + KEY);
    var invented = raw().send("BREW", "/api/v1/tasks", "X-API-Key: " + KEY);
    var postToDocs = raw().send("POST", "/v3/api-docs", "Content-Length: 0");

    assertThat(trace.status()).isEqualTo(405);
    assertProblem(trace, "method-not-allowed");
    assertThat(invented.status()).isEqualTo(405);
    assertProblem(invented, "method-not-allowed");
    assertThat(postToDocs.status()).isEqualTo(405);
    assertProblem(postToDocs, "method-not-allowed");
  }

  @Test
  void theHttpServersOwnRefusalsAreProblemsToo() throws Exception {
    var longLine = raw().send("GET", "/api/v1/tasks?q=" + "a".repeat(10_000));
    var bigHeaders = raw().send("GET", "/api/v1/tasks", "X-Filler: " + "a".repeat(20_000));
    var notAUri = raw().send("GET", "/api/v1/tasks/{id}|<x>");
    var badQuery = raw().send("GET", "/api/v1/tasks?cursor=%%%", "X-API-Key: " + KEY);
    var garbage =
        raw()
            .exchange(
                "GET /api/v1/tasks HTTP/1.1\r\nHost: localhost\r\nBad Header Name: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
    var notHttp =
        raw().exchange("\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThat(longLine.status()).isEqualTo(414);
    assertProblem(longLine, "uri-too-long");
    assertThat(bigHeaders.status()).isEqualTo(431);
    assertProblem(bigHeaders, "headers-too-large");
    assertThat(notAUri.status()).isEqualTo(400);
    assertProblem(notAUri, "invalid-path");
    assertThat(badQuery.status()).isEqualTo(400);
    assertProblem(badQuery, "invalid-query");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.isProblem()).isTrue();
    assertThat(notHttp.status()).isEqualTo(400);
    assertThat(notHttp.isProblem()).isTrue();
  }

  @Test
  void aHostHeaderThatIsNotAHostIsABadRequestProblem() throws Exception {
    for (String host : List.of("bad host", "a{b}", "[::1", "x:y:z", "", "h\u00e9st", "a%2fb")) {
      var response =
          raw()
              .exchange(
                  ("GET /api/v1/tasks HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                      .getBytes(StandardCharsets.ISO_8859_1));

      assertThat(response.status()).as("Host: %s", host).isIn(400, 401);
      assertThat(response.isProblem()).as("Host: %s", host).isTrue();
    }
  }

  private RawHttp raw() {
    return new RawHttp(port);
  }

  private static void assertProblem(RawHttp.Response response, String slug) {
    assertThat(response.isProblem()).as(response.toString()).isTrue();
    assertThat(response.body()).contains("\"type\":\"https://tasklane.io/problems/" + slug + "\"");
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

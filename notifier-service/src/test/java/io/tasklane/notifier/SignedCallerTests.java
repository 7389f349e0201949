package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.SignedIdentity.Identity;
import io.tasklane.testsupport.TestIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The notifier acts only for an identity the gateway signed, and refuses every malformed request
 * with a problem.
 */
class SignedCallerTests extends NotifierIntegrationTest {

  @Test
  void aRequestWithoutAValidFreshSignatureIsUnauthenticatedWhateverTenantItNames() {
    String session = "signed-" + UUID.randomUUID();
    registerTelegram(session, "-100777");
    Identity me = new Identity(TENANT, "test-client", Set.of("tasks:read"));
    Map<String, String> tampered = new HashMap<>(TestIdentity.tenant("someone-else"));
    tampered.put(SignedIdentity.TENANT_HEADER, TENANT);
    List<Map<String, String>> forged =
        List.of(
            Map.of(),
            Map.of(SignedIdentity.TENANT_HEADER, TENANT),
            tampered,
            TestIdentity.SIGNING.headers(me, Instant.now().minus(Duration.ofMinutes(5))),
            new SignedIdentity("another-key-another-key-another-key!", Duration.ofSeconds(60))
                .headers(me, Instant.now()));
    for (Map<String, String> headers : forged) {
      for (String path :
          List.of(
              "/api/v1/sessions/" + session + "/channels",
              "/api/v1/sessions/" + session + "/messages",
              "/api/v1/sessions/" + session + "/messages/stream")) {
        var request = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(request::header);
        var answer = send(request.build());
        assertThat(answer.statusCode()).as(path + " " + headers).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(jsonOf(answer).path("type").asString())
            .isEqualTo("https://tasklane.io/problems/unauthenticated");
      }
    }
    var deleted =
        HttpRequest.newBuilder(uri("/api/v1/sessions/" + session + "/channels/telegram"))
            .header(SignedIdentity.TENANT_HEADER, TENANT)
            .DELETE();
    assertThat(send(deleted.build()).statusCode()).isEqualTo(401);
    assertThat(jsonOf(get("/api/v1/sessions/" + session + "/channels"))).hasSize(1);
  }

  @Test
  void anotherTenantsSignatureSeesThatTenantOnly() {
    String session = "signed-" + UUID.randomUUID();
    registerTelegram(session, "-100778");
    var theirs =
        send(
            HttpRequest.newBuilder(uri("/api/v1/sessions/" + session + "/channels"))
                .headers(identity("someone-else"))
                .GET()
                .build());
    assertThat(theirs.statusCode()).isEqualTo(200);
    assertThat(jsonOf(theirs)).isEmpty();
  }

  @Test
  void healthNeedsNoSignature() {
    assertThat(send(HttpRequest.newBuilder(uri("/actuator/health")).GET().build()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void unknownFieldsWrongTypesAndWrongMediaTypesAreProblems() throws IOException {
    String path = "/api/v1/sessions/strict-" + UUID.randomUUID() + "/channels";
    var unknown = postRaw(path, "application/json", "{\"type\":\"telegram\",\"chat\":\"-1001\"}");
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
    assertThat(jsonOf(unknown).path("detail").asString()).isEqualTo("unknown field 'chat'");
    var number = postRaw(path, "application/json", "{\"type\":\"telegram\",\"chatId\":-1001}");
    assertThat(number.statusCode()).as(number.body()).isEqualTo(400);
    assertThat(jsonOf(number).path("field").asString()).isEqualTo("chatId");
    var multipart =
        postRaw(
            path, "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: x\r\n\r\n--b--");
    assertThat(multipart.statusCode()).as(multipart.body()).isEqualTo(415);
    assertThat(jsonOf(multipart).path("type").asString())
        .isEqualTo("https://tasklane.io/problems/unsupported-media-type");
    assertThat(jsonOf(get(path))).isEmpty();

    String signed =
        TestIdentity.tenant(TENANT).entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue() + "\r\n")
            .reduce("", String::concat);
    for (String request :
        List.of(
            "GET /api/v1/sessions/%2e%2e%2f/channels HTTP/1.1\r\nHost: x\r\n" + signed + "\r\n",
            "GET /api/v1/sessions/a%00b/channels HTTP/1.1\r\nHost: x\r\n" + signed + "\r\n",
            "GET /api/v1/sessions/" + "s".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /api/v1/sessions/s/messages?after=%%% HTTP/1.1\r\nHost: x\r\n" + signed + "\r\n",
            "GET /api/v1 HTTP/1.1 junk\r\nHost: x\r\n\r\n")) {
      String answer = raw(request);
      assertThat(answer).as(request).matches("(?s)HTTP/1\\.1 4\\d\\d .*");
      assertThat(answer.toLowerCase())
          .as(request)
          .contains("content-type: application/problem+json");
    }
  }

  private HttpResponse<String> postRaw(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .headers(identity(TENANT))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private String raw(String request) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.shutdownOutput();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(bytes);
      } catch (IOException e) {
        // the server may reset after its answer
      }
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }
  }
}

package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChannelRegistrationTests extends NotifierIntegrationTest {

  static Stream<Arguments> badRegistrations() {
    return Stream.of(
        Arguments.of(
            Map.of(
                "type", "webhook", "url", "ftp://example.com/hook", "secret", "0123456789abcdef0"),
            "url"),
        Arguments.of(
            Map.of("type", "webhook", "url", "http://10.1.2.3/hook", "secret", "0123456789abcdef0"),
            "url"),
        Arguments.of(
            Map.of(
                "type",
                "webhook",
                "url",
                "http://169.254.169.254/latest",
                "secret",
                "0123456789abcdef0"),
            "url"),
        Arguments.of(
            Map.of(
                "type", "webhook", "url", "http://[::1]:8080/hook", "secret", "0123456789abcdef0"),
            "url"),
        Arguments.of(Map.of("type", "webhook", "url", "http://127.0.0.1/hook"), "secret"),
        Arguments.of(
            Map.of("type", "webhook", "url", "http://127.0.0.1/hook", "secret", "short"), "secret"),
        Arguments.of(
            Map.of(
                "type",
                "webhook",
                "url",
                "http://127.0.0.1/hook",
                "secret",
                "whsec_this is not base64 at all!"),
            "secret"),
        Arguments.of(
            Map.of(
                "type", "webhook", "url", "http://127.0.0.1/hook", "secret", "whsec_c2hvcnQta2V5"),
            "secret"),
        Arguments.of(Map.of("type", "telegram", "chatId", "not a chat"), "chatId"),
        Arguments.of(Map.of("type", "carrier-pigeon"), "type"));
  }

  @ParameterizedTest
  @MethodSource("badRegistrations")
  void aBadRegistrationAnswersAProblemAndStoresNothing(Map<String, String> body, String field) {
    String session = newSession();
    var response = post("/api/v1/sessions/" + session + "/channels", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    var problem = jsonOf(response);
    assertThat(problem.path("type").asString())
        .isEqualTo("https://tasklane.io/problems/validation");
    assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo(field);
    assertThat(jsonOf(get("/api/v1/sessions/" + session + "/channels"))).isEmpty();
  }

  @Test
  void theSecretIsNeverShownBackAndAChannelCanBeRemoved() {
    String session = newSession();
    String secret = "a-webhook-secret-nobody-sees";
    var created =
        post(
            "/api/v1/sessions/" + session + "/channels",
            Map.of("type", "webhook", "url", "http://127.0.0.1:9/hook", "secret", secret));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).doesNotContain(secret).contains("********");
    registerTelegram(session, "-100123456789");

    var listed = get("/api/v1/sessions/" + session + "/channels");
    assertThat(listed.body()).doesNotContain(secret).doesNotContain(telegram.token());
    assertThat(jsonOf(listed))
        .extracting(c -> c.path("type").asString())
        .containsExactly("webhook", "telegram");

    var removed =
        send(
            HttpRequest.newBuilder(uri("/api/v1/sessions/" + session + "/channels/webhook"))
                .headers(identity(TENANT))
                .DELETE()
                .build());
    assertThat(removed.statusCode()).isEqualTo(204);
    assertThat(jsonOf(get("/api/v1/sessions/" + session + "/channels"))).hasSize(1);
    var otherTenant =
        send(
            HttpRequest.newBuilder(uri("/api/v1/sessions/" + session + "/channels"))
                .headers(identity("someone-else"))
                .GET()
                .build());
    assertThat(jsonOf(otherTenant)).isEmpty();
  }
}

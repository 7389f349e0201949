package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.testsupport.LoopbackListener;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Webhook URLs against a real listener on every local address: each spelling of a local address is
 * refused at registration, a name that turns local after registration is refused before the call,
 * and the listener's accept count stays 0. The context allow-lists {@code 127.0.0.1} and {@code
 * hooks.internal}, as written, and nothing else.
 */
class WebhookAddressTests extends NotifierIntegrationTest {

  private static final String SECRET = "a-webhook-secret-of-this-session";
  private static final LoopbackListener LISTENER = LoopbackListener.start();
  private static final LoopbackListener ALLOWED = LoopbackListener.start();

  @AfterAll
  static void stop() {
    LISTENER.close();
    ALLOWED.close();
  }

  @ParameterizedTest
  @MethodSource("io.tasklane.testsupport.LocalAddressSpellings#all")
  void everySpellingOfALocalAddressIsRefusedAtRegistrationAndNothingConnects(String host) {
    assertRefusedAtRegistration(host);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost.", // a name that resolves to loopback, with a trailing dot
        "[::]",
        "[64:ff9b::7f00:1]", // NAT64 of 127.0.0.1 in hex
        "[ff02::1]",
        "0.0.0.0",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1", // carrier-grade NAT
        "169.254.169.254", // cloud metadata
        "224.0.0.1",
        "metadata.google.internal",
      })
  void everyNonPublicAddressIsRefusedAtRegistrationAndNothingConnects(String host) {
    assertRefusedAtRegistration(host);
  }

  private void assertRefusedAtRegistration(String host) {
    String session = newSession();

    var response =
        post(
            "/api/v1/sessions/" + session + "/channels",
            Map.of("type", "webhook", "url", url(host, LISTENER), "secret", SECRET));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    var problem = jsonOf(response);
    assertThat(problem.path("type").asString())
        .isEqualTo("https://tasklane.io/problems/validation");
    assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("url");
    assertThat(jsonOf(get("/api/v1/sessions/" + session + "/channels"))).isEmpty();
    assertThat(LISTENER.accepted()).isZero();
  }

  @Test
  void theRefusalSaysWhatWasWrong() {
    assertThat(refusal("http://0177.0.0.1/hook")).contains("not a canonical IPv4 address");
    assertThat(refusal("http://127.1/hook")).contains("not a canonical IPv4 address");
    assertThat(refusal("http://[::127.0.0.1]/hook")).contains("loopback (embedded in IPv6)");
    assertThat(refusal("http://localhost/hook"))
        .contains("resolves to 127.0.0.1, a loopback address");
    assertThat(refusal("http://169.254.169.254/latest/meta-data/")).contains("link-local");
    assertThat(refusal("http://metadata.google.internal/"))
        .contains("cloud metadata endpoints are blocked");
    assertThat(refusal("ftp://example.com/hook")).contains("http or https");
    assertThat(refusal("http://user:pw@example.com/hook")).contains("credentials");
    assertThat(LISTENER.accepted()).isZero();
  }

  @Test
  void aNameThatResolvesToALocalAddressAfterRegistrationIsRefusedWithoutConnecting() {
    String session = newSession();
    TestDns.answer("rebinding.example", "93.184.215.14");
    registerWebhook(session, url("rebinding.example", LISTENER), SECRET);
    TestDns.answer("rebinding.example", "93.184.215.14", "127.0.0.1");
    TaskLifecycleEvent done =
        new Task(session, NotifyPolicy.DONE_ONLY).finish(TaskStatus.SUCCEEDED, "Done.");

    publish(done);

    var report = awaitReport(done.id());
    assertThat(report.outcome()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(report.reason())
        .contains("webhook refused")
        .contains("resolves to 127.0.0.1, a loopback address");
    assertThat(LISTENER.accepted()).isZero();
  }

  @Test
  void anAllowListedNameIsCalledAtTheAddressItWasCheckedAtWithItsOwnHostHeader() {
    String session = newSession();
    TestDns.answer("hooks.internal", "127.0.0.1");
    registerWebhook(session, url("hooks.internal", ALLOWED), SECRET);
    int lookupsBefore = TestDns.lookups("hooks.internal");
    int acceptedBefore = ALLOWED.accepted();
    TaskLifecycleEvent done =
        new Task(session, NotifyPolicy.DONE_ONLY).finish(TaskStatus.SUCCEEDED, "Done.");

    publish(done);

    var report = awaitReport(done.id());
    assertThat(report.outcome()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(TestDns.lookups("hooks.internal")).isEqualTo(lookupsBefore + 1);
    assertThat(ALLOWED.accepted()).isEqualTo(acceptedBefore + 1);
    assertThat(ALLOWED.hostHeaders()).last().isEqualTo("hooks.internal:" + ALLOWED.port());
  }

  private String refusal(String url) {
    var response =
        post(
            "/api/v1/sessions/" + newSession() + "/channels",
            Map.of("type", "webhook", "url", url, "secret", SECRET));
    assertThat(response.statusCode()).isEqualTo(400);
    return jsonOf(response).path("detail").asString();
  }

  private static String url(String host, LoopbackListener listener) {
    return "http://" + host + ":" + listener.port() + "/hooks/tasklane";
  }
}

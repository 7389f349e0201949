package io.tasklane.notifier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookDeliveryTests extends NotifierIntegrationTest {

  private static final String SECRET = "s3cret-for-this-session-only";
  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String OTHER_WHSEC = "whsec_" + "QW5vdGhlclNlY3JldE9mMjRCeXRlcyE=";

  /** A real HTTP endpoint that records what it received and answers a chosen status. */
  static final class Receiver implements AutoCloseable {
    record Received(
        String contentType,
        String id,
        String timestamp,
        String signature,
        String legacySignature,
        String body,
        Instant at) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(204);
    final HttpServer server;

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/hooks/tasklane",
          exchange -> {
            try (exchange) {
              String body =
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
              received.add(
                  new Received(
                      exchange.getRequestHeaders().getFirst("Content-Type"),
                      exchange.getRequestHeaders().getFirst("webhook-id"),
                      exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                      exchange.getRequestHeaders().getFirst("webhook-signature"),
                      exchange.getRequestHeaders().getFirst("X-Tasklane-Signature"),
                      body,
                      Instant.now()));
              exchange.sendResponseHeaders(status.get(), -1);
            }
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/tasklane";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private Receiver receiver;

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  /**
   * A receiver-side verifier written from the Standard Webhooks specification, independent of the
   * notifier's code: the key is the base64 part after {@code whsec_}, the signed content is {@code
   * "<webhook-id>.<webhook-timestamp>.<body>"}, and {@code webhook-signature} is a space-separated
   * list of {@code v1,<base64 HMAC-SHA256>} of which one must match.
   */
  static final class StandardWebhooksVerifier {
    private final byte[] key;

    StandardWebhooksVerifier(String whsec) {
      assertThat(whsec).startsWith("whsec_");
      this.key = Base64.getDecoder().decode(whsec.substring("whsec_".length()));
    }

    String sign(String id, String timestamp, String body) throws Exception {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(digest);
    }

    boolean verifies(String id, String timestamp, String signatureHeader, String body)
        throws Exception {
      if (id == null || timestamp == null || signatureHeader == null) {
        return false;
      }
      byte[] expected = sign(id, timestamp, body).getBytes(UTF_8);
      for (String candidate : signatureHeader.split(" ")) {
        if (MessageDigest.isEqual(expected, candidate.getBytes(UTF_8))) {
          return true;
        }
      }
      return false;
    }

    boolean verifies(Receiver.Received received) throws Exception {
      return verifies(received.id(), received.timestamp(), received.signature(), received.body());
    }
  }

  @Test
  void theVerifierReproducesTheSpecificationsTestVector() throws Exception {
    var verifier = new StandardWebhooksVerifier("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    String body = "{\"test\": 2432232314}";
    String signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    assertThat(verifier.sign(id, "1614265330", body)).isEqualTo(signature);
    assertThat(verifier.verifies(id, "1614265330", "v1,bm9wZQ== " + signature, body)).isTrue();
    assertThat(verifier.verifies(id, "1614265331", signature, body)).isFalse();
    assertThat(verifier.verifies(id, "1614265330", signature, body + " ")).isFalse();
  }

  @Test
  void aDeliveryToAWhsecSecretVerifiesWithAStandardWebhooksVerifier() throws Exception {
    receiver = new Receiver();
    String session = newSession();
    registerWebhook(session, receiver.url(), WHSEC);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    TaskLifecycleEvent done = task.finish(TaskStatus.SUCCEEDED, "Report attached.");
    publish(done);

    var report = awaitReport(done.id());
    assertThat(report.channel()).isEqualTo(DeliveryChannel.WEBHOOK);
    assertThat(report.outcome()).isEqualTo(DeliveryStatus.DELIVERED);
    var received = receiver.received.getFirst();
    assertThat(received.contentType()).startsWith("application/cloudevents+json");
    var event = json.readValue(received.body(), TaskLifecycleEvent.class);
    assertThat(event.id()).isEqualTo(done.id());
    assertThat(event.specversion()).isEqualTo("1.0");
    assertThat(event.data().terminalSummary()).isEqualTo("Report attached.");

    assertThat(received.id()).isEqualTo(done.id().toString());
    assertThat(received.timestamp()).matches("[0-9]+");
    long timestamp = Long.parseLong(received.timestamp());
    assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp)).isLessThan(300);
    assertThat(received.signature()).startsWith("v1,");
    assertThat(received.legacySignature()).isNull();
    assertThat(new StandardWebhooksVerifier(WHSEC).verifies(received)).isTrue();
    assertThat(new StandardWebhooksVerifier(OTHER_WHSEC).verifies(received)).isFalse();
    assertThat(received.body()).doesNotContain(WHSEC).doesNotContain(WHSEC.substring(6));
    assertThat(inbox(session)).hasSize(1);
  }

  @Test
  void aPlainSecretSignsWithItsUtf8BytesAsTheWhsecFormOfThoseBytes() throws Exception {
    receiver = new Receiver();
    String session = newSession();
    registerWebhook(session, receiver.url(), SECRET);
    TaskLifecycleEvent done =
        new Task(session, NotifyPolicy.DONE_ONLY).finish(TaskStatus.SUCCEEDED, "Done.");
    publish(done);

    assertThat(awaitReport(done.id()).outcome()).isEqualTo(DeliveryStatus.DELIVERED);
    var received = receiver.received.getFirst();
    String mapped = "whsec_" + Base64.getEncoder().encodeToString(SECRET.getBytes(UTF_8));
    assertThat(new StandardWebhooksVerifier(mapped).verifies(received)).isTrue();
    assertThat(new StandardWebhooksVerifier(OTHER_WHSEC).verifies(received)).isFalse();
    assertThat(received.body()).doesNotContain(SECRET);
  }

  @Test
  void aWebhookThatKeepsFailingIsReportedFailedAfterTheRetryCap() throws Exception {
    receiver = new Receiver();
    receiver.status.set(503);
    String session = newSession();
    registerWebhook(session, receiver.url(), SECRET);
    TaskLifecycleEvent done =
        new Task(session, NotifyPolicy.DONE_ONLY).finish(TaskStatus.SUCCEEDED, "Done.");
    publish(done);

    var report = awaitReport(done.id());
    assertThat(report.outcome()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(report.reason()).contains("webhook answered HTTP 503").contains("gave up after");
    assertThat(report.attempts()).isGreaterThan(2).isEqualTo(receiver.received.size());
    var first = receiver.received.getFirst().at();
    var last = receiver.received.getLast().at();
    assertThat(last).isBefore(first.plus(RETRY_FOR));
  }
}

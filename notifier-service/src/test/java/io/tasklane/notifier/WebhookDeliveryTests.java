package io.tasklane.notifier;

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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookDeliveryTests extends NotifierIntegrationTest {

  private static final String SECRET = "s3cret-for-this-session-only";

  /** A real HTTP endpoint that records what it received and answers a chosen status. */
  static final class Receiver implements AutoCloseable {
    record Received(String contentType, String signature, String body, Instant at) {}

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

  @Test
  void aSignedCloudEventVerifiesWithTheSessionSecretAndNotWithAnother() throws Exception {
    receiver = new Receiver();
    String session = newSession();
    registerWebhook(session, receiver.url(), SECRET);
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

    assertThat(verifies(received, SECRET)).isTrue();
    assertThat(verifies(received, "another-secret-of-enough-length")).isFalse();
    long timestamp = Long.parseLong(received.signature().split(",")[0].substring(2));
    assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp)).isLessThan(60);
    assertThat(received.body()).doesNotContain(SECRET);
    assertThat(inbox(session)).hasSize(1);
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

  private static boolean verifies(Receiver.Received received, String secret) throws Exception {
    String[] parts = received.signature().split(",");
    String timestamp = parts[0].substring("t=".length());
    String signature = parts[1].substring("v1=".length());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected =
        mac.doFinal((timestamp + "." + received.body()).getBytes(StandardCharsets.UTF_8));
    return MessageDigest.isEqual(expected, HexFormat.of().parseHex(signature));
  }
}

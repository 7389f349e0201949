package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.notifier.webhook.WebhookSignature;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chat front end answers a task through its session webhook channel: a callback signed with the
 * channel's secret like the notifier's own webhooks. Anything unsigned, wrongly signed, stale or
 * replayed is a problem and never reaches the ledger.
 */
class SessionActionsTests extends NotifierIntegrationTest {

  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String OTHER_WHSEC = "whsec_" + "QW5vdGhlclNlY3JldE9mMjRCeXRlcyE=";

  private WebhookDeliveryTests.Receiver receiver;
  private String session;
  private Task task;

  @BeforeEach
  void aTaskWaitsForItsOperator() throws Exception {
    receiver = new WebhookDeliveryTests.Receiver();
    session = newSession();
    registerWebhook(session, receiver.url(), WHSEC);
    task = new Task(session, NotifyPolicy.DONE_ONLY);
    var event = task.needsHelp("Which branch should I merge into?");
    publish(event);
    assertThat(awaitReport(event.id()).outcome()).isEqualTo(DeliveryStatus.DELIVERED);
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void aSignedAnswerReachesTheLedgerAsTheFrontEndsActor() {
    var response =
        answer(
            Map.of("taskId", task.id, "action", "resume", "comment", "main", "actor", "alice"),
            WHSEC,
            UUID.randomUUID().toString(),
            Instant.now());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(jsonOf(response).path("status").asString()).isEqualTo("queued");
    var call = await().until(() -> ledger.callsFor(task.id), calls -> calls.size() == 1).getFirst();
    assertThat(call.path()).isEqualTo("/api/v1/tasks/" + task.id + "/resume");
    assertThat(call.body().path("message").asString()).isEqualTo("main");
    var identity = call.verifiedIdentity();
    assertThat(identity).isPresent();
    assertThat(identity.get().tenant()).isEqualTo(TENANT);
    assertThat(identity.get().caller()).isEqualTo("webhook:alice");
  }

  @Test
  void anAnswerSignedWithAnotherSecretIsRefusedAndNothingReachesTheLedger() {
    var response =
        answer(
            Map.of("taskId", task.id, "action", "cancel", "actor", "mallory"),
            OTHER_WHSEC,
            UUID.randomUUID().toString(),
            Instant.now());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(jsonOf(response).path("type").asString())
        .isEqualTo("https://tasklane.io/problems/invalid-signature");
    assertThat(jsonOf(response).path("detail").asString()).contains("does not match");
    assertThat(ledger.callsFor(task.id)).isEmpty();
  }

  @Test
  void aReplayedAnswerIsRefused() {
    Map<String, Object> body = Map.of("taskId", task.id, "action", "cancel", "actor", "alice");
    String id = UUID.randomUUID().toString();
    Instant at = Instant.now();
    assertThat(answer(body, WHSEC, id, at).statusCode()).isEqualTo(200);

    var replay = answer(body, WHSEC, id, at);

    assertThat(replay.statusCode()).isEqualTo(409);
    assertThat(jsonOf(replay).path("type").asString())
        .isEqualTo("https://tasklane.io/problems/replayed");
    assertThat(ledger.callsFor(task.id)).hasSize(1);
  }

  @Test
  void anAnswerSignedLongerAgoThanTheToleranceIsRefused() {
    var response =
        answer(
            Map.of("taskId", task.id, "action", "cancel", "actor", "alice"),
            WHSEC,
            UUID.randomUUID().toString(),
            Instant.now().minus(Duration.ofMinutes(6)));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(jsonOf(response).path("detail").asString()).contains("5 min");
    assertThat(ledger.callsFor(task.id)).isEmpty();
  }

  @Test
  void anApproveWithoutTheApprovalNumberIsAValidationProblem() {
    var response =
        answer(
            Map.of("taskId", task.id, "action", "approve", "actor", "alice"),
            WHSEC,
            UUID.randomUUID().toString(),
            Instant.now());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(jsonOf(response).path("detail").asString()).contains("approval");
    assertThat(ledger.callsFor(task.id)).isEmpty();
  }

  @Test
  void anAnswerAboutATaskThatNeverReportedToTheSessionIsNotFound() {
    UUID stranger = UUID.randomUUID();
    var response =
        answer(
            Map.of("taskId", stranger, "action", "cancel", "actor", "alice"),
            WHSEC,
            UUID.randomUUID().toString(),
            Instant.now());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(ledger.callsFor(stranger)).isEmpty();
  }

  private HttpResponse<String> answer(
      Map<String, Object> fields, String secret, String id, Instant at) {
    String body = json.writeValueAsString(new LinkedHashMap<>(fields));
    long timestamp = at.getEpochSecond();
    return send(
        HttpRequest.newBuilder(uri("/api/v1/sessions/" + session + "/actions"))
            .headers(identity(TENANT))
            .header("Content-Type", "application/json")
            .header(WebhookSignature.ID_HEADER, id)
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
            .header(
                WebhookSignature.SIGNATURE_HEADER,
                WebhookSignature.signature(secret, id, timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }
}

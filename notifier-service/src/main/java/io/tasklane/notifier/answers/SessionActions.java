package io.tasklane.notifier.answers;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.notifier.NotifierProperties;
import io.tasklane.notifier.delivery.SentMessages;
import io.tasklane.notifier.sessions.SessionChannel;
import io.tasklane.notifier.sessions.SessionChannels;
import io.tasklane.notifier.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes a chat front end's answer through the session webhook channel: signed like the notifier's
 * own webhooks (Standard Webhooks, with the channel's secret), fresh within the tolerance, never
 * seen before, about a task that reports to this session. Then it goes to the ledger as the
 * session's tenant with the caller {@code webhook:<actor>}.
 */
@Component
class SessionActions {

  private final SessionChannels channels;
  private final SentMessages sent;
  private final LedgerActions ledger;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Duration tolerance;

  SessionActions(
      SessionChannels channels,
      SentMessages sent,
      LedgerActions ledger,
      JdbcClient jdbc,
      JsonMapper json,
      NotifierProperties properties) {
    this.channels = channels;
    this.sent = sent;
    this.ledger = ledger;
    this.jdbc = jdbc;
    this.json = json;
    this.tolerance = properties.answers().signatureTolerance();
  }

  SessionActionResult take(
      String tenant,
      String sessionKey,
      String webhookId,
      String timestamp,
      String signature,
      String body) {
    SessionChannel channel =
        channels
            .find(tenant, sessionKey, DeliveryChannel.WEBHOOK)
            .orElseThrow(
                () ->
                    refused(
                        404,
                        "not-found",
                        "Channel not found",
                        "The session has no webhook channel to sign its answers with"));
    verify(channel.webhookSecret(), webhookId, timestamp, signature, body);
    SessionActionRequest request = parse(body);
    AnswerAction action =
        AnswerAction.fromWire(request.action() == null ? "" : request.action())
            .orElseThrow(
                () -> invalid("action", "action must be one of approve, deny, resume, cancel"));
    if (request.taskId() == null) {
      throw invalid("taskId", "taskId is required");
    }
    if (action.decidesApproval() && (request.approval() == null || request.approval() < 1)) {
      throw invalid(
          "approval", "approval (the request's number, from 1) is required to " + action.wire());
    }
    String caller = "webhook:" + (request.actor() == null ? "" : request.actor());
    if (request.actor() == null || !headerSafe(caller)) {
      throw invalid("actor", "actor is required: 1 to 190 visible ASCII characters, no spaces");
    }
    boolean reportsHere =
        sent.recipientOf(request.taskId(), DeliveryChannel.WEBHOOK)
            .filter(r -> r.tenant().equals(tenant) && r.sessionKey().equals(sessionKey))
            .isPresent();
    if (!reportsHere) {
      throw refused(
          404,
          "not-found",
          "Task not found",
          "Task " + request.taskId() + " has not reported to this session");
    }
    if (!firstSighting(tenant, sessionKey, webhookId)) {
      throw refused(
          409,
          "replayed",
          "Replayed callback",
          "This webhook-id was already taken; sign a new one");
    }
    var answer =
        ledger.send(
            new OperatorAction(
                request.taskId(), action, request.approval(), request.comment(), tenant, caller));
    return switch (answer) {
      case LedgerAnswer.Done(String status) ->
          new SessionActionResult(request.taskId(), action.wire(), status);
      case LedgerAnswer.Refused(int status, String detail) ->
          throw refused(status, slugFor(status), "Refused by the ledger", detail);
      case LedgerAnswer.Unavailable(String reason) ->
          throw refused(503, "unavailable", "Service unavailable", reason + "; try again");
    };
  }

  private void verify(String secret, String id, String timestamp, String signature, String body) {
    if (id == null || id.isBlank() || timestamp == null || signature == null) {
      throw refused(
          401,
          "invalid-signature",
          "Invalid signature",
          "webhook-id, webhook-timestamp and webhook-signature are required");
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      throw refused(
          401, "invalid-signature", "Invalid signature", "webhook-timestamp is not unix seconds");
    }
    if (Math.abs(Instant.now().getEpochSecond() - seconds) > tolerance.toSeconds()) {
      throw refused(
          401,
          "invalid-signature",
          "Invalid signature",
          "webhook-timestamp is more than " + tolerance.toMinutes() + " min from now");
    }
    byte[] expected =
        WebhookSignature.signature(secret, id, seconds, body).getBytes(StandardCharsets.UTF_8);
    boolean matches =
        Arrays.stream(signature.trim().split(" "))
            .anyMatch(
                candidate ->
                    MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8)));
    if (!matches) {
      throw refused(
          401,
          "invalid-signature",
          "Invalid signature",
          "webhook-signature does not match the body signed with the session webhook's secret");
    }
  }

  private SessionActionRequest parse(String body) {
    try {
      return json.readValue(body, SessionActionRequest.class);
    } catch (JacksonException e) {
      throw refused(
          400,
          "malformed-request",
          "Malformed request body",
          "The request body is not valid JSON for this endpoint");
    }
  }

  private boolean firstSighting(String tenant, String sessionKey, String webhookId) {
    jdbc.sql(
            "DELETE FROM notifier.session_action_seen WHERE received_at < now() - make_interval(secs => :keep)")
        .param("keep", tolerance.toSeconds() * 2 + 60)
        .update();
    return jdbc.sql(
                """
                INSERT INTO notifier.session_action_seen (tenant, session_key, webhook_id)
                VALUES (:tenant, :session, :id) ON CONFLICT DO NOTHING
                """)
            .param("tenant", tenant)
            .param("session", sessionKey)
            .param("id", webhookId)
            .update()
        > 0;
  }

  private static boolean headerSafe(String value) {
    return value.length() <= 200 && value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
  }

  private static String slugFor(int status) {
    return switch (status) {
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 409 -> "conflict";
      default -> "bad-request";
    };
  }

  private static ActionRefusedException invalid(String field, String detail) {
    return refused(400, "validation", "Invalid answer", detail);
  }

  private static ActionRefusedException refused(
      int status, String slug, String title, String detail) {
    return new ActionRefusedException(status, slug, title, detail);
  }
}

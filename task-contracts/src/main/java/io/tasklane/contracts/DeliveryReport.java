package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.UUID;

/**
 * The outcome of delivering one lifecycle event on one channel ({@link Topics#DELIVERY_REPORTS}).
 *
 * @param eventId the lifecycle event that was delivered
 * @param outcome delivered, session_queued or failed
 * @param reason why it failed, or null
 * @param attempts how many delivery attempts were made
 * @param eventSequence the event's {@link TaskLifecycleEvent#sequence()}: the ledger orders reports
 *     by it, so a late report about an earlier event never overwrites a later state; null from a
 *     notifier that does not send it (the report is then taken as about the newest event)
 * @param taskAttempt the task's attempt when the event happened, or null when not sent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeliveryReport(
    UUID reportId,
    UUID eventId,
    UUID taskId,
    String tenant,
    DeliveryChannel channel,
    DeliveryStatus outcome,
    String reason,
    int attempts,
    Instant at,
    Long eventSequence,
    Integer taskAttempt) {

  /** A report that does not say which event position it is about. */
  public DeliveryReport(
      UUID reportId,
      UUID eventId,
      UUID taskId,
      String tenant,
      DeliveryChannel channel,
      DeliveryStatus outcome,
      String reason,
      int attempts,
      Instant at) {
    this(reportId, eventId, taskId, tenant, channel, outcome, reason, attempts, at, null, null);
  }
}

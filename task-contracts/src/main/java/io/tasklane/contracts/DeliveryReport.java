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
    Instant at) {}

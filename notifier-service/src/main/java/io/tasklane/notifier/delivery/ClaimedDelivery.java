package io.tasklane.notifier.delivery;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.TaskLifecycleEvent;
import java.time.Instant;
import java.util.UUID;

/** A pending delivery a worker holds the claim for. */
public record ClaimedDelivery(
    long id,
    UUID eventId,
    DeliveryChannel channel,
    String tenant,
    String sessionKey,
    String lane,
    TaskLifecycleEvent event,
    String eventJson,
    int attempts,
    int partsSent,
    Instant createdAt,
    DeliveryClaim claim) {}

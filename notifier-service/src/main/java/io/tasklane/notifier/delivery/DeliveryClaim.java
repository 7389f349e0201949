package io.tasklane.notifier.delivery;

import java.util.UUID;

/**
 * A worker's claim on one delivery, for its sender: ask {@link #held} right before each send, and
 * tell {@link #partSent} right after each part arrived. Between the two is the only instant a crash
 * can have a message sent twice (Telegram's sendMessage has no idempotency key), so nothing else
 * happens there.
 */
public final class DeliveryClaim {

  private final Deliveries deliveries;
  private final long deliveryId;
  private final UUID worker;

  DeliveryClaim(Deliveries deliveries, long deliveryId, UUID worker) {
    this.deliveries = deliveries;
    this.deliveryId = deliveryId;
    this.worker = worker;
  }

  /**
   * Whether this worker still holds the claim and {@code partsSent} parts are all that is recorded
   * as sent: false when the claim ran out and another worker took the delivery over (this one was
   * stalled), or another worker finished it meanwhile. Then nothing may be sent.
   */
  public boolean held(int partsSent) {
    return deliveries.held(deliveryId, worker, partsSent);
  }

  /**
   * Records at once, in one statement, that {@code partsSent} parts have arrived, with the id the
   * channel gave the last one ({@code messageRef}, may be null).
   */
  public void partSent(int partsSent, String messageRef) {
    OutcomeStore.untilStored(
        "part " + partsSent + " of delivery " + deliveryId,
        () -> deliveries.partSent(deliveryId, partsSent, messageRef));
  }
}

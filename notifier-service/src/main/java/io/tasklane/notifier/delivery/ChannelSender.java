package io.tasklane.notifier.delivery;

import io.tasklane.contracts.DeliveryChannel;

/** Sends one claimed delivery on one external channel. Called on its own virtual thread. */
public interface ChannelSender {

  DeliveryChannel channel();

  Attempt attempt(ClaimedDelivery delivery);
}

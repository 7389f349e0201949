package io.tasklane.notifier.sessions;

import io.tasklane.contracts.DeliveryChannel;
import java.time.Instant;

/** A stored channel with its secret, for the senders; never leaves the service. */
public record SessionChannel(
    String tenant,
    String sessionKey,
    DeliveryChannel channel,
    String webhookUrl,
    String webhookSecret,
    String telegramChatId,
    Instant registeredAt) {

  /** Deliveries sharing a lane are sent one after another, in order. */
  public String lane() {
    return switch (channel) {
      case TELEGRAM -> "telegram:" + telegramChatId;
      case WEBHOOK -> "webhook:" + tenant + "/" + sessionKey;
      case INBOX -> "inbox:" + tenant + "/" + sessionKey;
    };
  }

  ChannelView view() {
    return new ChannelView(
        channel.wire(),
        webhookUrl,
        webhookSecret == null ? null : ChannelView.MASK,
        telegramChatId,
        registeredAt);
  }

  @Override
  public String toString() {
    return "SessionChannel[" + tenant + "/" + sessionKey + " " + channel.wire() + "]";
  }
}

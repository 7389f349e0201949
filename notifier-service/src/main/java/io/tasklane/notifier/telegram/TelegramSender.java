package io.tasklane.notifier.telegram;

import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.notifier.NotifierProperties;
import io.tasklane.notifier.delivery.Attempt;
import io.tasklane.notifier.delivery.ChannelSender;
import io.tasklane.notifier.delivery.ClaimedDelivery;
import io.tasklane.notifier.delivery.Notification;
import io.tasklane.notifier.sessions.SessionChannel;
import io.tasklane.notifier.sessions.SessionChannels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Sends a notification to the session's Telegram chat, part by part within the rate limits. Parts
 * already sent are remembered, so a retry continues where it stopped.
 */
@Component
class TelegramSender implements ChannelSender {

  private final SessionChannels channels;
  private final TelegramBotClient client;
  private final TelegramRateLimiter limiter;
  private final NotifierProperties properties;
  private final Duration maxWait;
  private final MeterRegistry meters;

  TelegramSender(
      SessionChannels channels,
      TelegramBotClient client,
      TelegramRateLimiter limiter,
      NotifierProperties properties,
      MeterRegistry meters) {
    this.channels = channels;
    this.client = client;
    this.limiter = limiter;
    this.properties = properties;
    this.maxWait = properties.delivery().claimLease().dividedBy(4);
    this.meters = meters;
  }

  @Override
  public DeliveryChannel channel() {
    return DeliveryChannel.TELEGRAM;
  }

  @Override
  public Attempt attempt(ClaimedDelivery delivery) {
    if (!properties.telegram().configured()) {
      return new Attempt.Failed("telegram is not configured");
    }
    Optional<SessionChannel> channel =
        channels.find(delivery.tenant(), delivery.sessionKey(), DeliveryChannel.TELEGRAM);
    if (channel.isEmpty()) {
      return new Attempt.Failed("telegram chat is no longer registered");
    }
    String chatId = channel.get().telegramChatId();
    List<TelegramMessages.Part> parts =
        TelegramMessages.render(Notification.of(delivery.event(), properties.taskUrlTemplate()));
    Map<String, Object> keyboard = TelegramMessages.keyboard(delivery.event());
    int sent = delivery.partsSent();
    try {
      while (sent < parts.size()) {
        TelegramMessages.Part part = parts.get(sent);
        if (sent > delivery.partsSent() && !delivery.claim().held(sent)) {
          return new Attempt.RetryLater("claim taken over by another worker", null, sent);
        }
        Optional<Instant> noSlotUntil = limiter.acquire(chatId, maxWait);
        if (noSlotUntil.isPresent()) {
          return new Attempt.Postponed(noSlotUntil.get(), sent);
        }
        // the buttons go under the last part, where the reader ends
        var extras = new TelegramBotClient.Extras(sent == parts.size() - 1 ? keyboard : null, null);
        TelegramBotClient.Result result = send(chatId, part.html(), true, extras);
        if (result instanceof TelegramBotClient.Result.HtmlRejected) {
          noSlotUntil = limiter.acquire(chatId, maxWait);
          if (noSlotUntil.isPresent()) {
            return new Attempt.Postponed(noSlotUntil.get(), sent);
          }
          result = send(chatId, part.plain(), false, extras);
        }
        switch (result) {
          case TelegramBotClient.Result.Sent(long messageId) -> {
            sent++;
            delivery.claim().partSent(sent, chatId + ":" + messageId);
          }
          case TelegramBotClient.Result.TooManyRequests(Duration retryAfter) -> {
            limiter.backOff(chatId, retryAfter);
            meters.counter("tasklane.telegram.rate_limited").increment();
            return new Attempt.RetryLater(
                "telegram asked to retry after " + retryAfter.toSeconds() + "s",
                Instant.now().plus(retryAfter),
                sent);
          }
          case TelegramBotClient.Result.Transient(String reason) -> {
            return new Attempt.RetryLater(reason, null, sent);
          }
          case TelegramBotClient.Result.HtmlRejected(String description) -> {
            return new Attempt.Failed("telegram refused the plain text too: " + description);
          }
          case TelegramBotClient.Result.Refused(String reason) -> {
            return new Attempt.Failed(reason);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt.RetryLater("notifier shutting down", null, sent);
    }
    return new Attempt.Delivered(sent);
  }

  /** One request in a slot taken from the limiter, which gets the slot back however it ends. */
  private TelegramBotClient.Result send(
      String chatId, String text, boolean html, TelegramBotClient.Extras extras) {
    try {
      return client.sendMessage(chatId, text, html, extras);
    } finally {
      limiter.answered(chatId);
    }
  }
}

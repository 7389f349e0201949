package io.tasklane.notifier.webhook;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.notifier.NotifierProperties;
import io.tasklane.notifier.delivery.Attempt;
import io.tasklane.notifier.delivery.ChannelSender;
import io.tasklane.notifier.delivery.ClaimedDelivery;
import io.tasklane.notifier.sessions.SessionChannel;
import io.tasklane.notifier.sessions.SessionChannels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Posts the lifecycle event as a structured-mode CloudEvent to the session's webhook, signed per
 * Standard Webhooks ({@link WebhookSignature}); {@code webhook-id} is the event id, the same on
 * every retry, so receivers can drop duplicates.
 */
@Component
class WebhookSender implements ChannelSender {

  private final SessionChannels channels;
  private final WebhookAddressPolicy addressPolicy;
  private final Duration timeout;
  private final HttpClient http;

  WebhookSender(
      SessionChannels channels, WebhookAddressPolicy addressPolicy, NotifierProperties properties) {
    this.channels = channels;
    this.addressPolicy = addressPolicy;
    this.timeout = properties.webhook().timeout();
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public DeliveryChannel channel() {
    return DeliveryChannel.WEBHOOK;
  }

  @Override
  public Attempt attempt(ClaimedDelivery delivery) {
    Optional<SessionChannel> channel =
        channels.find(delivery.tenant(), delivery.sessionKey(), DeliveryChannel.WEBHOOK);
    if (channel.isEmpty()) {
      return new Attempt.Failed("webhook is no longer registered");
    }
    String url = channel.get().webhookUrl();
    Optional<String> refusal = addressPolicy.refusal(url);
    if (refusal.isPresent()) {
      return new Attempt.Failed("webhook refused: " + refusal.get());
    }
    String body = delivery.eventJson();
    String id = delivery.eventId().toString();
    long timestamp = Instant.now().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Content-Type", "application/cloudevents+json; charset=utf-8")
            .header("User-Agent", "tasklane-notifier")
            .header(WebhookSignature.ID_HEADER, id)
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
            .header(
                WebhookSignature.SIGNATURE_HEADER,
                WebhookSignature.signature(channel.get().webhookSecret(), id, timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status >= 200 && status < 300) {
        return new Attempt.Delivered(1);
      }
      return new Attempt.RetryLater("webhook answered HTTP " + status, null, 0);
    } catch (HttpTimeoutException e) {
      return new Attempt.RetryLater("webhook timed out after " + timeout, null, 0);
    } catch (IOException e) {
      return new Attempt.RetryLater(
          "webhook unreachable: " + e.getClass().getSimpleName(), null, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt.RetryLater("notifier shutting down", null, 0);
    }
  }
}

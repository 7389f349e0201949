package io.tasklane.notifier.webhook;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.PublicAddresses;
import io.tasklane.notifier.NotifierProperties;
import io.tasklane.notifier.delivery.Attempt;
import io.tasklane.notifier.delivery.ChannelSender;
import io.tasklane.notifier.delivery.ClaimedDelivery;
import io.tasklane.notifier.sessions.SessionChannel;
import io.tasklane.notifier.sessions.SessionChannels;
import io.tasklane.notifier.sessions.WebhookAddressPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.springframework.stereotype.Component;

/**
 * Posts the lifecycle event as a structured-mode CloudEvent to the session's webhook, signed per
 * Standard Webhooks ({@link WebhookSignature}); {@code webhook-id} is the event id, the same on
 * every retry, so receivers can drop duplicates.
 *
 * <p>Before every call the URL is checked again by the {@link WebhookAddressPolicy}, and the
 * connection goes to exactly the addresses that were checked: the client is handed that answer
 * instead of a resolver, and the request keeps the host's name for its Host header and TLS server
 * name. Redirects are not followed.
 */
@Component
class WebhookSender implements ChannelSender {

  private static final ContentType CLOUD_EVENT =
      ContentType.create("application/cloudevents+json", "utf-8");

  private final SessionChannels channels;
  private final WebhookAddressPolicy addressPolicy;
  private final Duration timeout;

  WebhookSender(
      SessionChannels channels, WebhookAddressPolicy addressPolicy, NotifierProperties properties) {
    this.channels = channels;
    this.addressPolicy = addressPolicy;
    this.timeout = properties.webhook().timeout();
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
    List<InetAddress> checked;
    try {
      checked = addressPolicy.addressesOf(url);
    } catch (PublicAddresses.Refused refused) {
      return new Attempt.Failed("webhook refused: " + refused.getMessage());
    }
    String body = delivery.eventJson();
    String id = delivery.eventId().toString();
    long timestamp = Instant.now().getEpochSecond();
    HttpPost request = new HttpPost(url);
    request.setHeader("User-Agent", "tasklane-notifier");
    request.setHeader(WebhookSignature.ID_HEADER, id);
    request.setHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
    request.setHeader(
        WebhookSignature.SIGNATURE_HEADER,
        WebhookSignature.signature(channel.get().webhookSecret(), id, timestamp, body));
    request.setEntity(new StringEntity(body, CLOUD_EVENT));
    try (CloseableHttpClient client = clientConnectingTo(checked)) {
      int status = client.execute(request, response -> response.getCode());
      if (status >= 200 && status < 300) {
        return new Attempt.Delivered(1);
      }
      return new Attempt.RetryLater("webhook answered HTTP " + status, null, 0);
    } catch (SocketTimeoutException e) {
      return new Attempt.RetryLater("webhook timed out after " + timeout, null, 0);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      return new Attempt.RetryLater("notifier shutting down", null, 0);
    } catch (IOException e) {
      return new Attempt.RetryLater(
          "webhook unreachable: " + e.getClass().getSimpleName(), null, 0);
    }
  }

  /** A one-call client whose only answer to a name lookup is the addresses that were checked. */
  private CloseableHttpClient clientConnectingTo(List<InetAddress> checked) {
    Timeout limit = Timeout.of(timeout);
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(
                    new SystemDefaultDnsResolver() {
                      @Override
                      public InetAddress[] resolve(String host) {
                        return checked.toArray(InetAddress[]::new);
                      }
                    })
                .setDefaultConnectionConfig(
                    ConnectionConfig.custom()
                        .setConnectTimeout(limit)
                        .setSocketTimeout(limit)
                        .build())
                .build())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(limit).build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
  }
}

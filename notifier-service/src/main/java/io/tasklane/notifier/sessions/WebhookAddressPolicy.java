package io.tasklane.notifier.sessions;

import io.tasklane.contracts.PublicAddresses;
import io.tasklane.notifier.NotifierProperties;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Decides whether the notifier may call a webhook URL: http or https only, no credentials in the
 * URL, and a host that {@link PublicAddresses} finds public unless it is allow-listed as written.
 * Checked at registration and again before every call, since DNS can change; the call then goes to
 * exactly the addresses this returned.
 */
@Component
public class WebhookAddressPolicy {

  private final PublicAddresses addresses;

  WebhookAddressPolicy(
      NotifierProperties properties, ObjectProvider<PublicAddresses.Resolver> resolver) {
    this.addresses =
        new PublicAddresses(
            properties.webhook().allowedHosts(),
            resolver.getIfAvailable(() -> InetAddress::getAllByName));
  }

  /**
   * @return every address the URL's host stands for, each one allowed
   * @throws PublicAddresses.Refused saying why the URL must not be called
   */
  public List<InetAddress> addressesOf(String url) throws PublicAddresses.Refused {
    return addresses.addressesOf(hostOf(url));
  }

  /** Why the URL must not be registered, or empty when it may be. */
  Optional<String> refusal(String url) {
    String host;
    try {
      host = hostOf(url);
    } catch (PublicAddresses.Refused refused) {
      return Optional.of(refused.getMessage());
    }
    try {
      addresses.addressesOf(host);
      return Optional.empty();
    } catch (PublicAddresses.Refused refused) {
      return Optional.of("url refused: " + refused.getMessage());
    }
  }

  private static String hostOf(String url) throws PublicAddresses.Refused {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new PublicAddresses.Refused("url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new PublicAddresses.Refused("url must be an http or https URL");
    }
    if (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
      throw new PublicAddresses.Refused("url must not contain credentials");
    }
    String host = PublicAddresses.hostOf(uri);
    if (host == null || host.isBlank()) {
      throw new PublicAddresses.Refused("url must name a host");
    }
    return host;
  }
}

package io.tasklane.notifier.webhook;

import io.tasklane.notifier.NotifierProperties;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Decides whether the notifier may call a webhook URL: http or https only, no credentials in the
 * URL, and no private, loopback, link-local or otherwise internal address unless the host is
 * allow-listed. Checked at registration and again before every call, since DNS can change.
 */
@Component
public class WebhookAddressPolicy {

  private final Set<String> allowedHosts;

  WebhookAddressPolicy(NotifierProperties properties) {
    this.allowedHosts =
        properties.webhook().allowedHosts().stream()
            .map(host -> host.strip().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /** Why the URL must not be called, or empty when it may be. */
  public Optional<String> refusal(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Optional.of("url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("url must be an http or https URL");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("url must not contain credentials");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      return Optional.of("url must name a host");
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (allowedHosts.contains(host)) {
      return Optional.empty();
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return Optional.of("url host cannot be resolved");
    }
    for (InetAddress address : addresses) {
      if (allowedHosts.contains(address.getHostAddress())) {
        continue;
      }
      if (isInternal(address)) {
        return Optional.of("url points to a private, loopback or link-local address");
      }
    }
    return Optional.empty();
  }

  private static boolean isInternal(InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      return (bytes[0] & 0xfe) == 0xfc;
    }
    int first = bytes[0] & 0xff;
    int second = bytes[1] & 0xff;
    return first == 0 || (first == 100 && second >= 64 && second < 128);
  }
}

package io.tasklane.contracts;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which addresses an outgoing call to a caller-chosen URL (the runner's {@code http_fetch},
 * the notifier's session webhooks) may connect to for a host, and is the only place that turns a
 * host into addresses: the connection must use exactly the list this returns, never a resolver of
 * its own, so a name cannot point somewhere else between the check and the call.
 *
 * <p>Refused unless the host is allow-listed as written: loopback, unspecified, link-local,
 * private, carrier-grade NAT, reserved and multicast addresses, and the cloud metadata names.
 *
 * <p>Numeric hosts are parsed here, never by a resolver, because resolvers disagree about them (the
 * C library reads {@code 0177.0.0.1} as octal 127.0.0.1, {@code 127.1} as 127.0.0.1 and {@code
 * 2130706433} as an integer). Only the canonical dotted quad is accepted; every other spelling of a
 * number is refused. IPv6 forms that carry an IPv4 address (compatible, mapped, NAT64, 6to4,
 * Teredo) are judged by the address they carry.
 */
public final class PublicAddresses {

  /** Looks a host name up; {@code InetAddress::getAllByName} in production. */
  public interface Resolver {
    InetAddress[] lookup(String hostName) throws UnknownHostException;
  }

  /** The host may not be called; the message says why. */
  public static final class Refused extends Exception {
    public Refused(String why) {
      super(why);
    }
  }

  private static final Set<String> METADATA_HOSTS =
      Set.of("metadata.google.internal", "metadata", "instance-data");
  private static final Pattern HOST_NAME =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?");
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");
  private static final Pattern CANONICAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern IPV6_TEXT = Pattern.compile("[0-9a-f:.]+");

  private final Set<String> allowedHosts;
  private final Resolver resolver;

  /**
   * @param allowedHosts hosts that may be called although they are not public, matched as written
   *     in the URL (a name, or a canonical address without brackets), case-insensitively
   */
  public PublicAddresses(Collection<String> allowedHosts, Resolver resolver) {
    this.allowedHosts =
        allowedHosts.stream()
            .map(h -> h.strip().toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    this.resolver = resolver;
  }

  /**
   * @param host the host of a URL as {@link java.net.URI#getHost()} gives it (IPv6 in brackets)
   * @return every address the host stands for, each one allowed
   * @throws Refused saying why, when the host is malformed or any of its addresses is not public
   */
  public List<InetAddress> addressesOf(String host) throws Refused {
    if (host == null || host.isBlank()) {
      throw new Refused("the URL has no host");
    }
    String normalized = host.toLowerCase(Locale.ROOT);
    boolean allowed = allowedHosts.contains(normalized.replaceAll("^\\[|]$", ""));
    List<InetAddress> addresses = parse(normalized);
    if (!allowed) {
      for (InetAddress address : addresses) {
        String why = blocked(address);
        if (why != null) {
          throw new Refused(
              host + " resolves to " + address.getHostAddress() + ", a " + why + " address");
        }
      }
    }
    return addresses;
  }

  /**
   * The host of a URI as {@link #addressesOf} takes it, also where {@link URI#getHost()} finds none
   * because the host looks like a number ({@code 0x7f.1}, {@code 127.1.}).
   */
  public static String hostOf(URI target) {
    String authority = target.getRawAuthority();
    if (target.getHost() != null || authority == null) {
      return target.getHost();
    }
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = hostAndPort.lastIndexOf(':');
    return colon > hostAndPort.lastIndexOf(']') ? hostAndPort.substring(0, colon) : hostAndPort;
  }

  private List<InetAddress> parse(String host) throws Refused {
    if (host.startsWith("[") && host.endsWith("]")) {
      return List.of(ipv6(host.substring(1, host.length() - 1)));
    }
    if (!HOST_NAME.matcher(host).matches()) {
      throw new Refused(host + " is not a valid host name");
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] labels = name.split("\\.");
    if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
      return List.of(ipv4(name, labels));
    }
    if (METADATA_HOSTS.contains(name) && !allowedHosts.contains(name)) {
      throw new Refused("cloud metadata endpoints are blocked");
    }
    try {
      InetAddress[] found = resolver.lookup(name);
      if (found == null || found.length == 0) {
        throw new Refused(host + " does not resolve");
      }
      return List.of(found);
    } catch (UnknownHostException e) {
      throw new Refused(host + " does not resolve");
    }
  }

  private static InetAddress ipv4(String host, String[] labels) throws Refused {
    if (labels.length != 4) {
      throw new Refused(host + " is not a canonical IPv4 address (write all four parts)");
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (!CANONICAL_OCTET.matcher(labels[i]).matches() || Integer.parseInt(labels[i]) > 255) {
        throw new Refused(
            host + " is not a canonical IPv4 address (decimal parts 0-255, no leading zeros)");
      }
      bytes[i] = (byte) Integer.parseInt(labels[i]);
    }
    return literal(bytes);
  }

  private static InetAddress ipv6(String text) throws Refused {
    if (!IPV6_TEXT.matcher(text).matches() || !text.contains(":")) {
      throw new Refused("[" + text + "] is not a valid IPv6 address");
    }
    try {
      // in brackets the JDK parses the literal itself and never asks a resolver
      return InetAddress.getByName("[" + text + "]");
    } catch (UnknownHostException e) {
      throw new Refused("[" + text + "] is not a valid IPv6 address");
    }
  }

  private static InetAddress literal(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Why an address is not public, or null when it is. */
  private static String blocked(InetAddress address) {
    if (address instanceof Inet4Address) {
      return blockedIpv4(address.getAddress());
    }
    Inet6Address v6 = (Inet6Address) address;
    byte[] b = v6.getAddress();
    if (v6.isLoopbackAddress()) {
      return "loopback";
    }
    if (v6.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (v6.isLinkLocalAddress()) {
      return "link-local";
    }
    if (v6.isSiteLocalAddress() || (b[0] & 0xfe) == 0xfc) {
      return "private";
    }
    if (v6.isMulticastAddress()) {
      return "multicast";
    }
    byte[] embedded = embeddedIpv4(b);
    if (embedded != null) {
      String why = blockedIpv4(embedded);
      return why == null ? null : why + " (embedded in IPv6)";
    }
    if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
      return "private (local-use NAT64)";
    }
    return null;
  }

  private static byte[] embeddedIpv4(byte[] b) {
    if (zeros(b, 0, 10) && ((b[10] == 0 && b[11] == 0) || (b[10] == -1 && b[11] == -1))) {
      return slice(b, 12); // IPv4-compatible ::a.b.c.d and IPv4-mapped ::ffff:a.b.c.d
    }
    if (startsWith(b, 0x00, 0x64, 0xff, 0x9b) && zeros(b, 4, 12)) {
      return slice(b, 12); // NAT64 64:ff9b::/96
    }
    if (startsWith(b, 0x20, 0x02)) {
      return slice(b, 2); // 6to4 2002::/16
    }
    if (startsWith(b, 0x20, 0x01, 0x00, 0x00)) {
      byte[] client = slice(b, 12); // Teredo: the client's address, inverted
      for (int i = 0; i < 4; i++) {
        client[i] = (byte) ~client[i];
      }
      return blockedIpv4(client) != null ? client : slice(b, 4);
    }
    return null;
  }

  private static String blockedIpv4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    if (a0 == 127) {
      return "loopback";
    }
    if (a0 == 0) {
      return "unspecified";
    }
    if (a0 == 169 && a1 == 254) {
      return "link-local";
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return "private";
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return "shared (carrier-grade NAT)";
    }
    if ((a0 == 192 && a1 == 0 && b[2] == 0) || (a0 == 198 && (a1 & 0xfe) == 18)) {
      return "reserved";
    }
    if (a0 >= 224 && a0 < 240) {
      return "multicast";
    }
    if (a0 >= 240) {
      return "reserved";
    }
    return null;
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] slice(byte[] b, int from) {
    byte[] four = new byte[4];
    System.arraycopy(b, from, four, 0, 4);
    return four;
  }
}

package io.tasklane.runner.tools;

import io.tasklane.runner.RunnerProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * GET over http(s) with size and time limits. Every hop (the first request and each redirect) is
 * checked after DNS resolution: private, loopback, link-local (cloud metadata included), multicast
 * and unspecified addresses are refused unless the host is allow-listed.
 */
@Component
class HttpFetchTool implements Tool {

  private static final Set<String> METADATA_HOSTS =
      Set.of("metadata.google.internal", "metadata", "instance-data");

  private final RunnerProperties.HttpFetch settings;
  private final Set<String> allowedHosts;
  private final HttpClient client;

  HttpFetchTool(RunnerProperties properties) {
    this.settings = properties.tools().httpFetch();
    this.allowedHosts =
        settings.allowedHosts().stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.timeout())
            .build();
  }

  @Override
  public String name() {
    return "http_fetch";
  }

  @Override
  public String description() {
    return "Fetch a public web page or API over HTTP(S) with GET and return the body as text.";
  }

  @Override
  public String parametersSchema() {
    return """
        {"type":"object","properties":{"url":{"type":"string","description":"http or https URL"}},"required":["url"]}""";
  }

  @Override
  public ToolResult run(Map<String, Object> arguments, ToolScope scope)
      throws InterruptedException {
    if (!(arguments.get("url") instanceof String url) || url.isBlank()) {
      return ToolResult.error("http_fetch needs a string 'url'.");
    }
    try {
      URI target = URI.create(url.trim());
      for (int hop = 0; hop <= settings.maxRedirects(); hop++) {
        String refusal = refusal(target);
        if (refusal != null) {
          return ToolResult.error("http_fetch refused " + target + ": " + refusal);
        }
        HttpRequest request =
            HttpRequest.newBuilder(target).timeout(settings.timeout()).GET().build();
        HttpResponse<InputStream> response =
            client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
          int status = response.statusCode();
          if (status >= 300
              && status < 400
              && response.headers().firstValue("location").isPresent()) {
            target = target.resolve(response.headers().firstValue("location").get());
            continue;
          }
          byte[] bytes = body.readNBytes(settings.maxBytes() + 1);
          boolean truncated = bytes.length > settings.maxBytes();
          String text =
              new String(
                  bytes, 0, Math.min(bytes.length, settings.maxBytes()), StandardCharsets.UTF_8);
          String result =
              "HTTP "
                  + status
                  + "\n"
                  + text
                  + (truncated ? "\n[truncated at " + settings.maxBytes() + " bytes]" : "");
          return status >= 400 ? ToolResult.error(result) : ToolResult.ok(result);
        }
      }
      return ToolResult.error("http_fetch gave up after " + settings.maxRedirects() + " redirects");
    } catch (IllegalArgumentException | IOException e) {
      return ToolResult.error("http_fetch failed: " + e.getMessage());
    }
  }

  private String refusal(URI target) throws IOException {
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "only http and https are allowed";
    }
    String host = target.getHost();
    if (host == null || host.isBlank()) {
      return "the URL has no host";
    }
    String normalized = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
    if (allowedHosts.contains(normalized)) {
      return null;
    }
    if (METADATA_HOSTS.contains(normalized)) {
      return "cloud metadata endpoints are blocked";
    }
    for (InetAddress address : InetAddress.getAllByName(normalized)) {
      String why = blocked(address);
      if (why != null) {
        return host + " resolves to " + address.getHostAddress() + ", a " + why + " address";
      }
    }
    return null;
  }

  private static String blocked(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return "loopback";
    }
    if (address.isLinkLocalAddress()) {
      return "link-local";
    }
    if (address.isSiteLocalAddress()) {
      return "private";
    }
    if (address.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (address.isMulticastAddress()) {
      return "multicast";
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
      return "private";
    }
    if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
      return "shared (carrier-grade NAT)";
    }
    if (b.length == 4 && (b[0] & 0xff) == 0) {
      return "unspecified";
    }
    return null;
  }
}

package io.tasklane.runner.tools;

import io.tasklane.contracts.PublicAddresses;
import io.tasklane.runner.RunnerProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * GET over http(s) with size and time limits. Every hop (the first request and each redirect) is
 * checked by {@link PublicAddresses}, and its connection goes to exactly the addresses that were
 * checked: the host is resolved once, the client is handed that answer instead of a resolver, and
 * the request keeps the host's name for its Host header and TLS server name.
 */
@Component
class HttpFetchTool implements Tool {

  private final RunnerProperties.HttpFetch settings;
  private final PublicAddresses addresses;

  @Autowired
  HttpFetchTool(RunnerProperties properties) {
    this(properties.tools().httpFetch(), InetAddress::getAllByName);
  }

  HttpFetchTool(RunnerProperties.HttpFetch settings, PublicAddresses.Resolver resolver) {
    this.settings = settings;
    this.addresses = new PublicAddresses(settings.allowedHosts(), resolver);
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
        String scheme =
            target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
          return ToolResult.error(
              "http_fetch refused " + target + ": only http and https are allowed");
        }
        List<InetAddress> checked;
        try {
          checked = addresses.addressesOf(PublicAddresses.hostOf(target));
        } catch (PublicAddresses.Refused refused) {
          return ToolResult.error("http_fetch refused " + target + ": " + refused.getMessage());
        }
        Hop answer = fetch(target, checked);
        if (answer.location() != null) {
          target = target.resolve(answer.location());
          continue;
        }
        return answer.status() >= 400
            ? ToolResult.error(answer.text())
            : ToolResult.ok(answer.text());
      }
      return ToolResult.error("http_fetch gave up after " + settings.maxRedirects() + " redirects");
    } catch (IllegalArgumentException | IOException e) {
      return ToolResult.error("http_fetch failed: " + e.getMessage());
    }
  }

  private record Hop(int status, String location, String text) {}

  private Hop fetch(URI target, List<InetAddress> checked) throws IOException {
    try (CloseableHttpClient client = clientConnectingTo(checked)) {
      CloseableHttpResponse response = client.execute(new HttpGet(target));
      try {
        int status = response.getCode();
        if (status >= 300 && status < 400 && response.getFirstHeader("location") != null) {
          return new Hop(status, response.getFirstHeader("location").getValue(), null);
        }
        HttpEntity entity = response.getEntity();
        byte[] bytes = new byte[0];
        if (entity != null) {
          try (InputStream body = entity.getContent()) {
            bytes = body.readNBytes(settings.maxBytes() + 1);
          }
        }
        boolean truncated = bytes.length > settings.maxBytes();
        String text =
            new String(
                bytes, 0, Math.min(bytes.length, settings.maxBytes()), StandardCharsets.UTF_8);
        return new Hop(
            status,
            null,
            "HTTP "
                + status
                + "\n"
                + text
                + (truncated ? "\n[truncated at " + settings.maxBytes() + " bytes]" : ""));
      } finally {
        // immediately: a graceful close would read the rest of a body we chose not to read
        response.close(CloseMode.IMMEDIATE);
      }
    }
  }

  private CloseableHttpClient clientConnectingTo(List<InetAddress> checked) {
    Timeout timeout = Timeout.of(settings.timeout());
    DnsResolver onlyTheCheckedAddresses =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) {
            return checked.toArray(InetAddress[]::new);
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            return host;
          }
        };
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(onlyTheCheckedAddresses)
                .setDefaultConnectionConfig(
                    ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .build())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
  }
}

package io.tasklane.ledger;

import io.tasklane.testsupport.TestIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to a running ledger over real HTTP, the way a client does. */
public final class LedgerApi {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;

  public LedgerApi(int port) {
    this.baseUrl = "http://localhost:" + port;
  }

  public record Response(int status, Map<String, java.util.List<String>> headers, String body) {

    public JsonNode json() {
      return JSON.readTree(body);
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }
  }

  public static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  public Response get(String tenant, String path) {
    return send(request(tenant, path).GET());
  }

  public Response post(String tenant, String path, String body, String... headers) {
    var builder =
        request(tenant, path)
            .header("Content-Type", "application/json")
            .POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return send(builder);
  }

  public Response put(String tenant, String path, String body) {
    return send(
        request(tenant, path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A request signed as the gateway signs a client of {@code tenant}, or as a runner signs its own
   * calls when {@code tenant} is null and the path is the runners' API; null for any other path
   * sends no identity at all.
   */
  public HttpRequest.Builder request(String tenant, String path) {
    var builder = unsigned(path);
    Map<String, String> identity =
        tenant != null
            ? TestIdentity.tenant(tenant)
            : path.startsWith("/internal/") ? TestIdentity.runner("test-runner") : Map.of();
    identity.forEach(builder::header);
    return builder;
  }

  /** A request without any identity headers. */
  public HttpRequest.Builder unsigned(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
  }

  public String baseUrl() {
    return baseUrl;
  }

  public HttpClient http() {
    return http;
  }
}

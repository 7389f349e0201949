package io.tasklane.cli;

import io.tasklane.cli.output.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The Tasklane API behind the gateway. Every failure becomes a {@link CliFailure} whose message a
 * person can act on; the API key is sent as a bearer token and never appears in a message.
 */
public final class Api {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final String GENERIC_NOT_FOUND = "https://tasklane.io/problems/not-found";

  private final String baseUrl;
  private final String apiKey;
  private final HttpClient http;

  public Api(String baseUrl, String apiKey) {
    this.baseUrl = stripTrailingSlash(baseUrl);
    this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    try {
      URI uri = URI.create(this.baseUrl);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw new CliFailure(
          "'%s' is not a Tasklane URL; set TASKLANE_URL or --url to the gateway, e.g. http://localhost:8080"
              .formatted(this.baseUrl),
          ExitCodes.USAGE);
    }
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public JsonNode get(String path) {
    return send("GET", path, null);
  }

  public JsonNode post(String path, JsonNode body) {
    return send("POST", path, body);
  }

  public JsonNode put(String path, JsonNode body) {
    return send("PUT", path, body);
  }

  public JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /**
   * Opens a Server-Sent Events stream and hands each event to {@code onEvent} until it returns
   * false or the server ends the stream; returns the id of the last event seen.
   */
  public String stream(String path, String lastEventId, Predicate<ServerSentEvent> onEvent) {
    HttpRequest.Builder request = request(path).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response =
        exchange(request.build(), HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        throw failure(
            path,
            response.statusCode(),
            response.headers(),
            lines.collect(Collectors.joining("\n")));
      }
      String lastId = lastEventId;
      Iterator<String> it = lines.iterator();
      ServerSentEvent.Reader reader = new ServerSentEvent.Reader();
      while (it.hasNext()) {
        ServerSentEvent event = reader.accept(it.next());
        if (event != null) {
          if (event.id() != null) {
            lastId = event.id();
          }
          if (!onEvent.test(event)) {
            return lastId;
          }
        }
      }
      return lastId;
    } catch (UncheckedIOException e) {
      throw new CliFailure(
          "The event stream from Tasklane at %s broke off: %s"
              .formatted(baseUrl, describe(e.getCause())),
          ExitCodes.UNREACHABLE);
    }
  }

  /** {@code segments} joined as a path, each one percent-encoded. */
  public static String path(String... segments) {
    return Stream.of(segments)
        .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(Collectors.joining("/", "/", ""));
  }

  /** A query string from name/value pairs; null values are left out. */
  public static String query(Object... pairs) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      Object value = pairs[i + 1];
      if (value instanceof Iterable<?> values) {
        for (Object each : values) {
          parts.add(param(pairs[i], each));
        }
      } else if (value != null) {
        parts.add(param(pairs[i], value));
      }
    }
    return parts.isEmpty() ? "" : "?" + String.join("&", parts);
  }

  private static String param(Object name, Object value) {
    return name + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8);
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        request(path).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(Json.line(body)));
    }
    HttpResponse<String> response = exchange(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw failure(path, response.statusCode(), response.headers(), response.body());
    }
    if (response.body() == null || response.body().isBlank()) {
      return Json.object();
    }
    try {
      return Json.parse(response.body());
    } catch (JacksonException e) {
      throw new CliFailure(
          "Tasklane at %s answered with something that is not JSON; is TASKLANE_URL the gateway?"
              .formatted(baseUrl),
          ExitCodes.REQUEST_FAILED);
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).header("User-Agent", "tasklane-cli");
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return request;
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (HttpTimeoutException e) {
      throw new CliFailure(
          "Tasklane at %s did not answer within %d s; it may be overloaded, try again"
              .formatted(baseUrl, REQUEST_TIMEOUT.toSeconds()),
          ExitCodes.UNREACHABLE);
    } catch (IOException e) {
      if (isUnreachable(e)) {
        throw new CliFailure(
            "Cannot reach Tasklane at %s: is it running? Set TASKLANE_URL or --url to the gateway's address"
                .formatted(baseUrl),
            ExitCodes.UNREACHABLE);
      }
      throw new CliFailure(
          "Cannot talk to Tasklane at %s: %s".formatted(baseUrl, describe(e)),
          ExitCodes.UNREACHABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure("Interrupted", ExitCodes.REQUEST_FAILED);
    }
  }

  private CliFailure failure(String path, int status, HttpHeaders headers, String body) {
    JsonNode problem = problem(body);
    String detail = Json.text(problem, "detail");
    String title = Json.text(problem, "title");
    return switch (status) {
      case 401 ->
          new CliFailure(
              apiKey == null
                  ? "Tasklane at %s needs an API key: set TASKLANE_API_KEY or pass --api-key"
                      .formatted(baseUrl)
                  : "Tasklane at %s rejected the API key: check TASKLANE_API_KEY or --api-key (keys are per tenant)"
                      .formatted(baseUrl),
              ExitCodes.UNAUTHENTICATED);
      case 403 ->
          new CliFailure(
              "Not allowed: %s; use an API key that has it"
                  .formatted(detail != null ? lowerFirst(detail) : "this API key lacks the scope"),
              ExitCodes.FORBIDDEN);
      case 429 ->
          new CliFailure(
              "Tasklane is rate-limiting this API key; retry in %s s"
                  .formatted(headers.firstValue("Retry-After").orElse("a few")),
              ExitCodes.RATE_LIMITED);
      default ->
          status == 404 && GENERIC_NOT_FOUND.equals(Json.text(problem, "type"))
              ? new CliFailure(
                  "Tasklane at %s has no %s: it may be older than this CLI"
                      .formatted(baseUrl, path.replaceFirst("\\?.*", "")),
                  ExitCodes.REQUEST_FAILED)
              : new CliFailure(
                  describeProblem(status, title, detail, problem), ExitCodes.REQUEST_FAILED);
    };
  }

  private String describeProblem(int status, String title, String detail, JsonNode problem) {
    if (title == null && detail == null) {
      return "Tasklane at %s answered %d%s"
          .formatted(baseUrl, status, status >= 500 ? "; see the service logs" : "");
    }
    StringBuilder line = new StringBuilder();
    line.append(title != null ? title : "Request failed");
    if (detail != null && !detail.equals(title)) {
      line.append(": ").append(detail);
    }
    List<String> candidates = new ArrayList<>();
    Json.items(problem, "candidates").forEach(c -> candidates.add(c.asString()));
    if (!candidates.isEmpty()) {
      line.append(": ").append(String.join(", ", candidates));
    }
    return line.toString().replaceAll("\\s*\\R\\s*", " ");
  }

  private static JsonNode problem(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = Json.parse(body);
      return node.isObject() ? node : null;
    } catch (JacksonException e) {
      return null;
    }
  }

  private static boolean isUnreachable(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException
          || cause instanceof UnresolvedAddressException
          || cause instanceof UnknownHostException
          || cause instanceof ClosedChannelException) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    return e == null || e.getMessage() == null ? "the connection failed" : e.getMessage();
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  private static String stripTrailingSlash(String url) {
    String trimmed = url == null ? "" : url.strip();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }
}

package io.tasklane.ledger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/** Reads a raw {@code text/event-stream} line by line, collecting the events it carries. */
public final class SseClient implements AutoCloseable {

  public static final Duration HEADERS_WITHIN = Duration.ofSeconds(20);

  /** One Server-Sent Event: its id, name and JSON data. */
  public record Event(long id, String name, JsonNode data) {}

  private final HttpResponse<InputStream> response;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<String> comments = new CopyOnWriteArrayList<>();
  private volatile Long retry;
  private final Thread reader;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = Thread.ofVirtual().name("sse-reader").start(this::read);
  }

  /**
   * Opens a stream; {@code lastEventId} is sent as {@code Last-Event-ID} when not null. Fails when
   * the status and headers do not come within {@link #HEADERS_WITHIN}, whether or not any event is
   * there to send.
   */
  public static SseClient open(LedgerApi api, String tenant, String path, Long lastEventId) {
    HttpRequest.Builder request =
        api.request(tenant, path).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", Long.toString(lastEventId));
    }
    try {
      return new SseClient(
          api.http()
              .sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
              .get(HEADERS_WITHIN.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no status and headers within " + HEADERS_WITHIN, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return response.statusCode();
  }

  public String contentType() {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  /** The events received so far, in order. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  /** Whether the server ended the stream. */
  public boolean ended() {
    return !reader.isAlive();
  }

  /** The comment lines received so far, without their colon. */
  public List<String> comments() {
    return List.copyOf(comments);
  }

  /** The reconnect time the server asked for with {@code retry:}, or null. */
  public Long retry() {
    return retry;
  }

  public List<Long> ids() {
    return events.stream().map(Event::id).toList();
  }

  private void read() {
    try (var lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      Long id = null;
      String name = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(
                new Event(id == null ? -1 : id, name, Broker.JSON.readTree(data.toString())));
          }
          id = null;
          name = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = Long.parseLong(line.substring(3).trim());
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("retry:")) {
          retry = Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException e) {
      // the stream was closed
    }
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // already closed
    }
    reader.interrupt();
  }
}

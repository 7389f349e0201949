package io.tasklane.suite;

import io.tasklane.client.ApiClient;
import io.tasklane.client.model.TaskLifecycleEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * A task's event stream read with the generated client's own HTTP client, base address, credentials
 * and object mapper. The generator writes a blocking call for a {@code text/event-stream} operation
 * (it would wait for the stream to end), so reading the events as they come is left to the caller,
 * as it is for any client generated from an OpenAPI document; the events themselves are the
 * document's {@code TaskLifecycleEvent} schema.
 */
final class GeneratedClientEvents implements AutoCloseable {

  private final BufferedReader lines;
  private final ApiClient client;

  private GeneratedClientEvents(BufferedReader lines, ApiClient client) {
    this.lines = lines;
    this.client = client;
  }

  static GeneratedClientEvents follow(ApiClient client, UUID taskId) throws Exception {
    var request =
        HttpRequest.newBuilder(
                URI.create(client.getBaseUri() + "/api/v1/tasks/" + taskId + "/events"))
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(60));
    client.getRequestInterceptor().accept(request);
    var response =
        client.getHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("The event stream answered " + response.statusCode());
    }
    return new GeneratedClientEvents(
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)), client);
  }

  /** The next lifecycle event; comments (the open line, heartbeats) are skipped. */
  TaskLifecycleEvent next() throws IOException {
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith("data:")) {
        return client.getObjectMapper().readValue(line.substring(5), TaskLifecycleEvent.class);
      }
    }
    throw new IllegalStateException("The event stream ended");
  }

  @Override
  public void close() {
    try {
      lines.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

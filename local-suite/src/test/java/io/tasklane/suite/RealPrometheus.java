package io.tasklane.suite;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus server (the {@code prometheus} binary on the PATH) scraping the suite's
 * services every second, with the repository's alert rules loaded and evaluated every second.
 */
final class RealPrometheus implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Process process;
  private final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  private RealPrometheus(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  static Optional<Path> binary() {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(dir -> Path.of(dir, "prometheus"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Starts Prometheus with one job per service ({@code tasklane-<service>}) at its port. */
  static RealPrometheus start(Path binary, Path work, Map<String, Integer> metricsPorts, Path rules)
      throws IOException {
    StringBuilder config =
        new StringBuilder(
            """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - %s
            scrape_configs:
            """
                .formatted(rules.toAbsolutePath()));
    metricsPorts.forEach(
        (service, port) ->
            config.append(
                """
                  - job_name: tasklane-%s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: [localhost:%d]
                """
                    .formatted(service, port)));
    Path file = work.resolve("prometheus.yml");
    Files.writeString(file, config);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("prometheus.log").toFile())
            .start();
    return new RealPrometheus(process, "http://127.0.0.1:" + port);
  }

  /** The {@code data} of an instant query; throws when Prometheus answers anything but success. */
  JsonNode query(String expression) throws Exception {
    return get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
  }

  JsonNode get(String pathAndQuery) throws Exception {
    var response =
        http.send(
            HttpRequest.newBuilder(URI.create(url + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200 || !body.path("status").asString("").equals("success")) {
      throw new IllegalStateException(pathAndQuery + " -> " + response.body());
    }
    return body.get("data");
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}

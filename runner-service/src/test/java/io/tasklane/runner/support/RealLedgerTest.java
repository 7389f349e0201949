package io.tasklane.runner.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.ledger.TaskLedgerApplication;
import io.tasklane.testsupport.TestIdentity;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.UrlResource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One runner against the real ledger: the ledger runs in its own Spring context in this JVM, on a
 * real PostgreSQL database, started once for every test class that extends this one (they share the
 * runner context too, so exactly one runner takes the ledger's dispatches).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class RealLedgerTest {

  protected static final String TENANT = "runner-it";
  protected static final ScriptedModelServer MODELS = ScriptedModelServer.start();
  protected static final ConfigurableApplicationContext LEDGER = startLedger();
  protected static final String LEDGER_URL =
      "http://127.0.0.1:" + LEDGER.getEnvironment().getProperty("local.server.port");
  protected static final Path WORKSPACES = tempDir();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  protected static final JsonMapper JSON = JsonMapper.builder().build();

  @Autowired private KafkaListenerEndpointRegistry listeners;

  @DynamicPropertySource
  static void wiring(DynamicPropertyRegistry registry) {
    TestKafka.get().register(registry);
    registry.add("tasklane.runner.runner-id", () -> "runner-with-real-ledger");
    registry.add("tasklane.runner.ledger-url", () -> LEDGER_URL);
    registry.add("tasklane.runner.heartbeat-interval", () -> "500ms");
    registry.add("tasklane.runner.slots", () -> 6);
    registry.add("tasklane.runner.models.executor.provider", () -> "openai");
    registry.add("tasklane.runner.models.executor.base-url", MODELS::openAiBaseUrl);
    registry.add("tasklane.runner.models.verifier.provider", () -> "ollama");
    registry.add("tasklane.runner.models.verifier.base-url", MODELS::ollamaBaseUrl);
    registry.add("tasklane.runner.tools.workspace-root", WORKSPACES::toString);
  }

  /** Control messages and lifecycle events are read from the latest offset on: wait for it. */
  @BeforeEach
  void listenersAreListening() {
    ContainerTestUtils.waitForAssignment(listeners.getListenerContainer("tasklane-control"), 3);
    ContainerTestUtils.waitForAssignment(listeners.getListenerContainer("tasklane-lifecycle"), 3);
  }

  protected static JsonNode awaitStatus(String taskId, String status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode task = get("/api/v1/tasks/" + taskId);
    while (!status.equals(task.get("status").asString())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Task never became " + status + ": " + task);
      }
      Thread.sleep(100);
      task = get("/api/v1/tasks/" + taskId);
    }
    return task;
  }

  protected static JsonNode post(String path, String body) throws Exception {
    return post(path, body, 201);
  }

  protected static JsonNode post(String path, String body, int expectedStatus) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(LEDGER_URL + path))
                .headers(identity())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return JSON.readTree(response.body());
  }

  protected static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(LEDGER_URL + path)).headers(identity()).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The signed identity of a client of the test tenant, as the gateway sends it. */
  private static String[] identity() {
    return TestIdentity.tenant(TENANT).entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
        .toArray(String[]::new);
  }

  /**
   * Starts the ledger with its own application.yml; the runner's configuration files on the same
   * classpath are kept out of it.
   */
  private static ConfigurableApplicationContext startLedger() {
    try {
      URL ledgerYaml =
          Collections.list(RealLedgerTest.class.getClassLoader().getResources("application.yml"))
              .stream()
              .filter(url -> url.toString().contains("task-ledger-service"))
              .findFirst()
              .orElseThrow();
      TestPostgres.Database db = TestPostgres.get().database("ledger");
      Map<String, Object> overrides = new HashMap<>();
      overrides.put("spring.config.name", "ledger-without-local-files");
      overrides.put("server.port", "0");
      overrides.put("spring.datasource.url", db.jdbcUrl());
      overrides.put("spring.datasource.username", db.username());
      overrides.put("spring.datasource.password", db.password());
      overrides.put("spring.kafka.bootstrap-servers", TestKafka.get().bootstrapServers());
      overrides.put("tasklane.ledger.relay.interval", "50ms");
      overrides.put(SignedIdentity.KEY_PROPERTY, TestIdentity.KEY);
      overrides.put("logging.level.org.apache.kafka", "warn");
      for (String model :
          List.of(
              "chat", "embedding", "image", "moderation", "audio.speech", "audio.transcription")) {
        overrides.put("spring.ai.model." + model, "none");
      }
      StandardEnvironment environment = new StandardEnvironment();
      environment
          .getPropertySources()
          .addFirst(new MapPropertySource("ledger-under-test", overrides));
      new YamlPropertySourceLoader()
          .load("ledger application.yml", new UrlResource(ledgerYaml))
          .forEach(environment.getPropertySources()::addLast);
      return new SpringApplicationBuilder(TaskLedgerApplication.class)
          .environment(environment)
          .run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("runner-it-workspaces").toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

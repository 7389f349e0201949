package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.ledger.TaskLedgerApplication;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.UrlResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runner against the real ledger (its own Spring context in this JVM, on a real PostgreSQL
 * database): a task created through the ledger's API is dispatched, claimed, run in verified rounds
 * and recorded as succeeded by the ledger.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class WithTheRealLedgerTests {

  private static final String TENANT = "runner-it";
  private static final ScriptedModelServer MODELS = ScriptedModelServer.start();
  private static final ConfigurableApplicationContext LEDGER = startLedger();
  private static final String LEDGER_URL =
      "http://127.0.0.1:" + LEDGER.getEnvironment().getProperty("local.server.port");
  private static final Path WORKSPACES = tempDir();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void wiring(DynamicPropertyRegistry registry) {
    TestKafka.get().register(registry);
    registry.add("tasklane.runner.runner-id", () -> "runner-with-real-ledger");
    registry.add("tasklane.runner.ledger-url", () -> LEDGER_URL);
    registry.add("tasklane.runner.heartbeat-interval", () -> "500ms");
    registry.add("tasklane.runner.models.executor.provider", () -> "openai");
    registry.add("tasklane.runner.models.executor.base-url", MODELS::openAiBaseUrl);
    registry.add("tasklane.runner.models.verifier.provider", () -> "ollama");
    registry.add("tasklane.runner.models.verifier.base-url", MODELS::ollamaBaseUrl);
    registry.add("tasklane.runner.tools.workspace-root", WORKSPACES::toString);
  }

  @AfterAll
  static void stopLedger() {
    LEDGER.close();
  }

  @Test
  void aTaskCreatedOnTheLedgerIsClaimedRunInVerifiedRoundsAndRecordedAsSucceeded()
      throws Exception {
    MODELS.script(
        "it-executor",
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"hello.txt\",\"content\":\"hello\"}"),
            Reply.text("hello.txt written"),
            Reply.toolCall("read_file", "{\"path\":\"hello.txt\"}"),
            Reply.text("it says hello"),
            Reply.text("hello.txt was written and checked.")));
    MODELS.script(
        "it-verifier",
        Script.of(Reply.text("YES hello.txt was written"), Reply.text("YES the read shows hello")));

    JsonNode created =
        post(
            "/api/v1/tasks",
            """
            {"goal":"Write hello.txt and check it","runtime":"subagent","label":"greeting",
             "plan":[{"description":"Write hello.txt","doneWhen":"hello.txt contains hello"},
                     {"description":"Read hello.txt back","doneWhen":"the read shows hello"}],
             "modelOptions":{"model":"it-executor","verifierModel":"it-verifier"}}""");
    String taskId = created.get("taskId").asString();

    JsonNode task = awaitStatus(taskId, "succeeded");

    assertThat(task.get("attempt").asInt()).isEqualTo(1);
    assertThat(task.get("runnerId").asString()).isEqualTo("runner-with-real-ledger");
    assertThat(task.get("terminalSummary").asString())
        .isEqualTo("hello.txt was written and checked.");
    List<String> stepStatuses = new ArrayList<>();
    task.get("plan").values().forEach(step -> stepStatuses.add(step.get("status").asString()));
    assertThat(stepStatuses).containsExactly("verified", "verified");
    List<String> journal = new ArrayList<>();
    get("/api/v1/tasks/" + taskId + "/journal")
        .get("items")
        .values()
        .forEach(entry -> journal.add(entry.get("type").asString()));
    assertThat(journal)
        .containsSubsequence(
            "step_started", "tool_call", "verdict", "step_started", "tool_call", "verdict");
    assertThat(Files.readString(WORKSPACES.resolve(taskId).resolve("hello.txt")))
        .isEqualTo("hello");
  }

  private static JsonNode awaitStatus(String taskId, String status) throws Exception {
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

  private static JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(LEDGER_URL + path))
                .header("X-Tasklane-Tenant", TENANT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body());
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(LEDGER_URL + path))
                .header("X-Tasklane-Tenant", TENANT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /**
   * Starts the ledger with its own application.yml; the runner's configuration files on the same
   * classpath are kept out of it.
   */
  private static ConfigurableApplicationContext startLedger() {
    try {
      URL ledgerYaml =
          Collections.list(
                  WithTheRealLedgerTests.class.getClassLoader().getResources("application.yml"))
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

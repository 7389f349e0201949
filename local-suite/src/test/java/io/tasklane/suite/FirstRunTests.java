package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a newcomer meets the first time: a suite that brings its own database and keeps it, a
 * start-up that says whether the model is there, and a failed service named with its reason.
 */
class FirstRunTests {

  static final String KEY = "tl_first_run";
  static final JsonMapper JSON = JsonMapper.builder().build();
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theEmbeddedDatabaseKeepsATaskAcrossARestartOfTheSuite(@TempDir Path data) throws Exception {
    String taskId;
    LocalSuite first = embeddedSuite(data);
    try {
      first.start();
      assertThat(first.databaseUrl()).doesNotContain(":5432/");
      var created =
          send(
              first,
              "POST",
              "/api/v1/tasks",
              "{\"goal\":\"Remember me across a restart\",\"label\":\"first-run\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      taskId = JSON.readTree(created.body()).get("taskId").asString();
    } finally {
      first.stop();
    }

    LocalSuite second = embeddedSuite(data);
    try {
      second.start();
      var found = send(second, "GET", "/api/v1/tasks/" + taskId, null);
      assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
      assertThat(JSON.readTree(found.body()).get("goal").asString())
          .isEqualTo("Remember me across a restart");
    } finally {
      second.stop();
    }
  }

  @Test
  void startUpSaysWhetherEachModelIsThereMissingOrUnreachableAndTheRunnerShowsTheSame()
      throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    var postgres = TestPostgres.get();
    var ledgerDb = postgres.database("first_run_ledger");
    String models = "tasklane.runner.models.";
    try (ScriptedModelServer server = ScriptedModelServer.start()) {
      server.script("pulled-model", Script.of(Reply.text("unused")));
      LocalSuite suite =
          LocalSuite.fromArguments(
              SuiteArguments.services("ledger", "runner")
                  .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
                  .databases(ledgerDb.name(), postgres.database("first_run_notifier").name())
                  .home(Path.of(".."))
                  .model(server.openAiBaseUrl(), "unserved-model")
                  .set("runner", models + "planner.provider", "ollama")
                  .set("runner", models + "planner.base-url", server.ollamaBaseUrl())
                  .set("runner", models + "planner.model", "pulled-model")
                  .set("runner", models + "verifier.provider", "ollama")
                  .set("runner", models + "verifier.base-url", "http://127.0.0.1:" + deadPort)
                  .set("runner", models + "verifier.model", "qwen3:4b")
                  .toArray());
      try {
        suite.start();

        assertThat(suite.modelReport())
            .contains(
                "pulled-model at " + server.ollamaBaseUrl() + " (ollama) is ready for planner")
            .contains(
                "unserved-model at "
                    + server.openAiBaseUrl()
                    + " (openai) is MISSING; tasks (executor) fail")
            .contains("it serves only: pulled-model; pick one with --model NAME")
            .contains("NOTHING ANSWERS at http://127.0.0.1:" + deadPort + " (ollama)")
            .contains("start Ollama (ollama serve)")
            .contains("ollama pull qwen3:4b")
            .contains("--model-url");

        String runner = "http://localhost:" + suite.port("runner");
        assertThat(get(runner + "/actuator/health/readiness").statusCode()).isEqualTo(200);
        var group = get(runner + "/actuator/health/model");
        assertThat(group.statusCode()).isEqualTo(503);
        JsonNode details =
            JSON.readTree(group.body()).get("components").get("modelEndpoint").get("details");
        assertThat(details.get("planner").get("state").asString()).isEqualTo("present");
        assertThat(details.get("executor").get("state").asString()).isEqualTo("missing");
        assertThat(details.get("verifier").get("state").asString()).isEqualTo("unreachable");
        assertThat(details.get("verifier").get("detail").asString())
            .isEqualTo("nothing answers at http://127.0.0.1:" + deadPort);

        String metrics = get(runner + "/actuator/prometheus").body();
        assertThat(metrics)
            .contains("tasklane_runner_model_endpoint_up{role=\"planner\"} 1.0")
            .contains("tasklane_runner_model_endpoint_up{role=\"executor\"} 0.0")
            .contains("tasklane_runner_model_endpoint_up{role=\"verifier\"} 0.0");
      } finally {
        suite.stop();
      }
    }
  }

  @Test
  void aServiceThatFailsOnABadSettingIsNamedWithTheReasonFromItsLog() {
    var postgres = TestPostgres.get();
    var ledgerDb = postgres.database("bad_setting_ledger");
    LocalSuite suite =
        LocalSuite.fromArguments(
            SuiteArguments.services("ledger", "gateway")
                .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
                .databases(ledgerDb.name(), postgres.database("bad_setting_notifier").name())
                .home(Path.of(".."))
                .set("gateway", "tasklane.gateway.ledger-url", "not-a-url")
                .toArray());
    try {
      assertThatThrownBy(suite::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("gateway exited during start-up")
          .hasMessageContaining("gateway.log")
          .hasMessageContaining("Application run failed")
          .hasMessageContaining("URISyntaxException")
          .hasMessageNotContaining("ledger exited")
          .hasMessageNotContaining("\tat ");
    } finally {
      suite.stop();
    }
  }

  private static LocalSuite embeddedSuite(Path data) {
    return LocalSuite.fromArguments(
        SuiteArguments.services("ledger", "gateway")
            .embeddedDatabase(data)
            .home(Path.of(".."))
            .tenant("first-run", KEY)
            .toArray());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(LocalSuite suite, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + suite.port("gateway") + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

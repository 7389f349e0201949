package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.runner.dispatch.DispatchListener;
import io.tasklane.runner.support.RealLedgerTest;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A runner that dies or shuts down mid-task, against the real ledger with its default lease, grace
 * and lease-pass settings: another runner (the test's usual one) carries the task on from its last
 * verified step. The usual runner takes no dispatches until the first one is gone.
 */
class RecoveryWithTheRealLedgerTests extends RealLedgerTest {

  /** The old defaults (lease 60 s, grace 30 s, a 30 s pass) took about 110 s to recover. */
  private static final Duration WELL_UNDER_A_MINUTE = Duration.ofSeconds(40);

  @Autowired DispatchListener dispatch;
  private Process child;

  @BeforeEach
  void usualRunnerTakesNoDispatches() {
    dispatch.stop();
  }

  @AfterEach
  void usualRunnerTakesDispatchesAgain() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (!dispatch.isRunning()) {
      dispatch.start();
    }
  }

  @Test
  void aTaskOnARunnerKilledWithSigkillRunsAgainElsewhereInSecondsWithoutRepeatingVerifiedSteps()
      throws Exception {
    scriptFirstStepThenHang("kill-executor", "kill-verifier");
    child = startRunnerProcess("runner-killed");
    String taskId = createTwoStepTask("kill-executor", "kill-verifier");
    awaitFirstStepVerifiedOn(taskId, "runner-killed");
    eventually("step two is in its model round", () -> requests("kill-executor") == 3);

    child.destroyForcibly().waitFor();
    long killedAt = System.nanoTime();
    scriptSecondStep("kill-executor");
    dispatch.start();

    JsonNode running = awaitRunningAgain(taskId);
    Duration recoveredAfter = Duration.ofNanos(System.nanoTime() - killedAt);
    JsonNode task = awaitStatus(taskId, "succeeded");

    assertThat(recoveredAfter).isLessThan(WELL_UNDER_A_MINUTE);
    assertThat(running.get("runnerId").asString()).isEqualTo("runner-with-real-ledger");
    assertThat(task.get("attempt").asInt()).isEqualTo(2);
    assertThat(journalTypes(taskId, "recovery")).hasSize(1);
    assertCarriedOnFromTheVerifiedStep(taskId);
  }

  @Test
  void aRunnerThatShutsDownHandsItsTaskBackAndAnotherRunnerFinishesItWithoutWaitingForTheLease()
      throws Exception {
    scriptFirstStepThenHang("handback-executor", "handback-verifier");
    ConfigurableApplicationContext leaving = startRunnerContext("runner-leaving");
    String taskId = createTwoStepTask("handback-executor", "handback-verifier");
    awaitFirstStepVerifiedOn(taskId, "runner-leaving");
    eventually("step two is in its model round", () -> requests("handback-executor") == 3);

    scriptSecondStep("handback-executor");
    leaving.close();
    dispatch.start();

    JsonNode task = awaitStatus(taskId, "succeeded");

    assertThat(task.get("attempt").asInt()).isEqualTo(2);
    assertThat(task.get("runnerId").asString()).isEqualTo("runner-with-real-ledger");
    List<JsonNode> recoveries = journalEntries(taskId, "recovery");
    assertThat(recoveries).hasSize(1);
    assertThat(recoveries.getFirst().get("payload").get("action").asString())
        .isEqualTo("handed_back");
    assertThat(recoveries.getFirst().get("payload").get("runnerId").asString())
        .isEqualTo("runner-leaving");
    assertThat(recoveries.getFirst().get("payload").get("resumeFromStep").asInt()).isEqualTo(1);
    assertCarriedOnFromTheVerifiedStep(taskId);
  }

  private void scriptFirstStepThenHang(String executor, String verifier) {
    MODELS.script(
        executor,
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"one.txt\",\"content\":\"1\"}"),
            Reply.text("one.txt written"),
            Reply.hang(Duration.ofSeconds(60))));
    MODELS.script(verifier, Script.always(Reply.text("YES the file is there")));
  }

  private void scriptSecondStep(String executor) {
    MODELS.script(
        executor,
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"two.txt\",\"content\":\"2\"}"),
            Reply.text("two.txt written"),
            Reply.text("both written")));
  }

  private static String createTwoStepTask(String executor, String verifier) throws Exception {
    return post(
            "/api/v1/tasks",
            """
            {"goal":"Write two files","runtime":"subagent",
             "plan":[{"description":"Write one.txt","doneWhen":"one.txt exists"},
                     {"description":"Write two.txt","doneWhen":"two.txt exists"}],
             "modelOptions":{"model":"%s","verifierModel":"%s"}}"""
                .formatted(executor, verifier))
        .get("taskId")
        .asString();
  }

  private static void awaitFirstStepVerifiedOn(String taskId, String runnerId) throws Exception {
    JsonNode task = awaitStatus(taskId, "running");
    assertThat(task.get("runnerId").asString()).isEqualTo(runnerId);
    eventually(
        "step one is verified",
        () ->
            unchecked(() -> get("/api/v1/tasks/" + taskId))
                .get("plan")
                .get(0)
                .get("status")
                .asString()
                .equals("verified"));
  }

  private static JsonNode awaitRunningAgain(String taskId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode task = get("/api/v1/tasks/" + taskId);
      if (task.get("attempt").asInt() == 2
          && List.of("running", "succeeded").contains(task.get("status").asString())) {
        return task;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("Task " + taskId + " never ran again");
  }

  /** Step one's call ran once, under attempt 1; attempt 2 started at step two and wrote two.txt. */
  private static void assertCarriedOnFromTheVerifiedStep(String taskId) throws Exception {
    List<JsonNode> calls = journalEntries(taskId, "tool_call");
    assertThat(calls)
        .extracting(
            c -> c.get("attempt").asInt() + " " + c.get("payload").get("arguments").asString())
        .containsExactly(
            "1 {\"path\":\"one.txt\",\"content\":\"1\"}",
            "2 {\"path\":\"two.txt\",\"content\":\"2\"}");
    assertThat(journalEntries(taskId, "step_started"))
        .filteredOn(e -> e.get("attempt").asInt() == 2)
        .extracting(e -> e.get("payload").get("step").asInt())
        .containsExactly(1);
    assertThat(journalEntries(taskId, "status_changed"))
        .filteredOn(e -> e.get("payload").get("to").asString().equals("succeeded"))
        .hasSize(1);
    Path workspace = WORKSPACES.resolve(taskId);
    assertThat(Files.readString(workspace.resolve("one.txt"))).isEqualTo("1");
    assertThat(Files.readString(workspace.resolve("two.txt"))).isEqualTo("2");
  }

  private static List<String> journalTypes(String taskId, String type) throws Exception {
    return journalEntries(taskId, type).stream().map(e -> e.get("type").asString()).toList();
  }

  private static List<JsonNode> journalEntries(String taskId, String type) throws Exception {
    List<JsonNode> entries = new ArrayList<>();
    get("/api/v1/tasks/" + taskId + "/journal?limit=500")
        .get("items")
        .values()
        .forEach(
            entry -> {
              if (entry.get("type").asString().equals(type)) {
                entries.add(entry);
              }
            });
    return entries;
  }

  private static int requests(String model) {
    return MODELS.requests(model).size();
  }

  private static Map<String, String> runnerSettings(String runnerId) {
    Map<String, String> settings = new HashMap<>();
    settings.put("spring.main.web-application-type", "none");
    settings.put("spring.kafka.bootstrap-servers", TestKafka.get().bootstrapServers());
    settings.put("tasklane.runner.runner-id", runnerId);
    settings.put("tasklane.runner.ledger-url", LEDGER_URL);
    settings.put("tasklane.runner.models.executor.provider", "openai");
    settings.put("tasklane.runner.models.executor.base-url", MODELS.openAiBaseUrl());
    settings.put("tasklane.runner.models.verifier.provider", "ollama");
    settings.put("tasklane.runner.models.verifier.base-url", MODELS.ollamaBaseUrl());
    settings.put("tasklane.runner.tools.workspace-root", WORKSPACES.toString());
    return settings;
  }

  /** A runner in its own JVM, with the default heartbeat and lease, so it can be killed -9. */
  private static Process startRunnerProcess(String runnerId) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RunnerApplication.class.getName());
    runnerSettings(runnerId).forEach((key, value) -> command.add("--" + key + "=" + value));
    File log = Files.createTempFile(runnerId, ".log").toFile();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }

  private static ConfigurableApplicationContext startRunnerContext(String runnerId) {
    Map<String, Object> properties = new HashMap<>(runnerSettings(runnerId));
    return new SpringApplicationBuilder(RunnerApplication.class).properties(properties).run();
  }

  private static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T unchecked(Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.runner.support.RealLedgerTest;
import io.tasklane.runner.support.ReportLog;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code spawn_subtask} against the real ledger: the child is created on the ledger, run by the
 * runner like any task, and its end wakes the waiting parent through the lifecycle events.
 */
class SubtasksWithTheRealLedgerTests extends RealLedgerTest {

  private static final ReportLog REPORTS = ReportLog.start(TestKafka.get().bootstrapServers());
  private static final Pattern CHILD_ID = Pattern.compile("Child task ([0-9a-f-]{36})");

  @Test
  void aParentWaitsForItsChildThenGoesOnWithTheChildsResult() throws Exception {
    MODELS.script(
        "parent-1-executor",
        Script.of(
            Reply.toolCall(
                "spawn_subtask",
                """
                {"goal":"Write notes.txt saying ready","label":"notes-1",
                 "model":"child-1-executor","plannerModel":"child-1-planner",
                 "verifierModel":"child-1-verifier"}"""),
            Reply.text("The child wrote notes.txt"),
            Reply.text("A child task wrote notes.txt.")));
    MODELS.script(
        "parent-1-verifier",
        request ->
            request.transcript().contains("ended with status succeeded")
                    && request.transcript().contains("notes.txt says ready")
                ? Reply.text("YES the child task succeeded and says notes.txt says ready")
                : Reply.text("NO there is no child outcome"));
    childScripts("child-1", Reply.toolCall("write_file", notes()), "notes.txt says ready.");
    long lookupsBefore = ledgerLookups();

    UUID parent = createParent("parent-1");
    RunnerReport end = REPORTS.awaitEnd(parent);
    long lookupsDuringTheRun = ledgerLookups() - lookupsBefore;

    assertThat(end).isInstanceOf(RunnerReport.Finished.class);
    RunnerReport.ToolCalled spawn = spawnCalls(parent).getFirst();
    assertThat(spawn.error()).isFalse();
    assertThat(spawn.durationMillis())
        .as("the spawn returned only after the child's slow first round")
        .isGreaterThanOrEqualTo(1000);
    assertThat(lookupsDuringTheRun)
        .as("the child was read once, right after the wait was registered; no polling")
        .isEqualTo(1);
    JsonNode task = awaitStatus(parent.toString(), "succeeded");
    assertThat(task.get("terminalSummary").asString()).isEqualTo("A child task wrote notes.txt.");
    assertThat(MODELS.requests("parent-1-verifier").getFirst().transcript())
        .contains("spawn_subtask", "ended with status succeeded", "notes.txt says ready");

    UUID childId = childId(spawn);
    JsonNode child = awaitStatus(childId.toString(), "succeeded");
    assertThat(child.get("parentTaskId").asString()).isEqualTo(parent.toString());
    assertThat(child.get("runtime").asString()).isEqualTo("subagent");
    assertThat(child.get("label").asString()).isEqualTo("notes-1");
    assertThat(child.get("requesterSessionKey").asString())
        .isEqualTo(task.get("childSessionKey").asString());
    assertThat(child.get("modelOptions").get("model").asString()).isEqualTo("child-1-executor");
    List<String> childTools = new ArrayList<>();
    child
        .get("modelOptions")
        .get("toolsAllowed")
        .values()
        .forEach(t -> childTools.add(t.asString()));
    assertThat(childTools)
        .as("the parent's tools minus spawn_subtask")
        .containsExactly("write_file");
    assertThat(Files.readString(WORKSPACES.resolve(childId.toString()).resolve("notes.txt")))
        .isEqualTo("ready");
  }

  @Test
  void aChildThatNeedsAssistanceOrFailsIsReportedBackToTheParentModel() throws Exception {
    MODELS.script(
        "parent-2-executor",
        Script.of(
            Reply.toolCalls(
                new Reply.Call(
                    "spawn_subtask",
                    """
                    {"goal":"Find the missing file","model":"child-2a-executor",
                     "plannerModel":"child-2-planner","verifierModel":"child-2-verifier"}"""),
                new Reply.Call(
                    "spawn_subtask",
                    """
                    {"goal":"Summarise the report","model":"child-2b-executor",
                     "plannerModel":"child-2-planner","verifierModel":"child-2-verifier"}""")),
            Reply.toolCall("request_assistance", "{\"question\":\"Both children are stuck\"}")));
    MODELS.script("parent-2-verifier", Script.always(Reply.text("NO")));
    MODELS.script("child-2-planner", Script.always(Reply.text(plan("Do it", "it is done"))));
    MODELS.script(
        "child-2a-executor",
        Script.of(
            Reply.toolCall("request_assistance", "{\"question\":\"Which file is missing?\"}")));
    MODELS.script("child-2b-executor", Script.always(Reply.status(400)));

    UUID parent = createParent("parent-2");
    RunnerReport end = REPORTS.awaitEnd(parent);

    assertThat(end).isInstanceOf(RunnerReport.NeedsAssistance.class);
    List<RunnerReport.ToolCalled> spawns = spawnCalls(parent);
    assertThat(spawns).hasSize(2).allMatch(RunnerReport.ToolCalled::error);
    String seenByTheParent = MODELS.requests("parent-2-executor").get(1).transcript();
    assertThat(seenByTheParent)
        .contains(
            childId(spawns.get(0)) + " ended with status needs_assistance",
            "Which file is missing?",
            childId(spawns.get(1)) + " ended with status failed",
            "child-2b-executor rejected the request");
    awaitStatus(childId(spawns.get(0)).toString(), "needs_assistance");
    awaitStatus(childId(spawns.get(1)).toString(), "failed");
    awaitStatus(parent.toString(), "needs_assistance");
  }

  @Test
  void aRepeatedSpawnOfTheSameChildInTheSameStepReturnsThatChildAgain() throws Exception {
    String spawn =
        """
        {"goal":"Write notes.txt saying ready","label":"notes-3","model":"child-3-executor",
         "plannerModel":"child-3-planner","verifierModel":"child-3-verifier"}""";
    MODELS.script(
        "parent-3-executor",
        Script.of(
            Reply.toolCall("spawn_subtask", spawn),
            Reply.toolCall("spawn_subtask", spawn),
            Reply.text("The child wrote notes.txt"),
            Reply.text("A child task wrote notes.txt.")));
    MODELS.script("parent-3-verifier", Script.always(Reply.text("YES the child succeeded")));
    childScripts("child-3", Reply.toolCall("write_file", notes()), "notes.txt says ready.");

    UUID parent = createParent("parent-3");
    assertThat(REPORTS.awaitEnd(parent)).isInstanceOf(RunnerReport.Finished.class);

    List<RunnerReport.ToolCalled> spawns = spawnCalls(parent);
    assertThat(spawns).hasSize(2);
    assertThat(childId(spawns.get(1))).isEqualTo(childId(spawns.get(0)));
    assertThat(spawns.get(1).result()).contains("ended with status succeeded");
    assertThat(get("/api/v1/tasks?label=notes-3").get("items").values()).hasSize(1);
    assertThat(MODELS.requests("child-3-planner")).as("the child ran once").hasSize(1);
  }

  @Test
  void cancelAndPauseReachAParentWhileItWaitsForItsChild() throws Exception {
    for (String parent : List.of("parent-4a", "parent-4b")) {
      MODELS.script(
          parent + "-executor",
          Script.of(
              Reply.toolCall(
                  "spawn_subtask",
                  """
                  {"goal":"Take your time","label":"child-of-%s","model":"child-4-executor",
                   "plannerModel":"child-4-planner","verifierModel":"child-4-verifier"}"""
                      .formatted(parent))));
    }
    MODELS.script("child-4-planner", Script.always(Reply.text(plan("Wait", "waited"))));
    MODELS.script(
        "child-4-executor",
        Script.always(Reply.after(Duration.ofSeconds(20), Reply.text("too late"))));
    UUID cancelled = createParent("parent-4a");
    UUID paused = createParent("parent-4b");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (MODELS.requests("child-4-executor").size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(MODELS.requests("child-4-executor")).as("both children are running").hasSize(2);

    long asked = System.nanoTime();
    post("/api/v1/tasks/" + cancelled + "/cancel", "{}", 200);
    post("/api/v1/tasks/" + paused + "/pause", "{}", 202);

    RunnerReport.Finished cancel = (RunnerReport.Finished) REPORTS.awaitEnd(cancelled);
    RunnerReport.Paused pause = (RunnerReport.Paused) REPORTS.awaitEnd(paused);
    assertThat(Duration.ofNanos(System.nanoTime() - asked))
        .as("neither waited for its child's 20 s round")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(cancel.outcome().wire()).isEqualTo("cancelled");
    assertThat(pause.resumeContext().conversation())
        .anySatisfy(
            m -> {
              assertThat(m.role()).isEqualTo("tool");
              assertThat(m.content()).contains("being paused while child task");
            });
    JsonNode childOfCancelled = get("/api/v1/tasks?label=child-of-parent-4a").get("items").get(0);
    assertThat(childOfCancelled.get("status").asString())
        .as("cancelling the parent cancelled its child")
        .isEqualTo("cancelled");
    RunnerReport.Finished childEnd =
        (RunnerReport.Finished)
            REPORTS.awaitEnd(UUID.fromString(childOfCancelled.get("taskId").asString()));
    assertThat(childEnd.outcome().wire()).isEqualTo("cancelled");
    String childOfPaused =
        get("/api/v1/tasks?label=child-of-parent-4b").get("items").get(0).get("taskId").asString();
    post("/api/v1/tasks/" + childOfPaused + "/cancel", "{}", 200);
  }

  private static UUID createParent(String models) throws Exception {
    JsonNode created =
        post(
            "/api/v1/tasks",
            """
            {"goal":"Get notes.txt written by a child task","label":"%s",
             "plan":[{"description":"Have a child task write notes.txt",
                      "doneWhen":"the child task succeeded and notes.txt says ready"}],
             "modelOptions":{"model":"%s-executor","verifierModel":"%s-verifier",
                             "toolsAllowed":["spawn_subtask","write_file"]}}"""
                .formatted(models, models, models));
    return UUID.fromString(created.get("taskId").asString());
  }

  /** A child that plans one step, does it with {@code work} (after a second), and sums up. */
  private static void childScripts(String prefix, Reply work, String summary) {
    MODELS.script(
        prefix + "-planner",
        Script.always(Reply.text(plan("Write notes.txt", "notes.txt contains ready"))));
    MODELS.script(
        prefix + "-executor",
        Script.of(
            Reply.after(Duration.ofSeconds(1), work),
            Reply.text("notes.txt written"),
            Reply.text(summary)));
    MODELS.script(prefix + "-verifier", Script.always(Reply.text("YES notes.txt says ready")));
  }

  private static String plan(String description, String doneWhen) {
    return "{\"steps\":[{\"description\":\"%s\",\"doneWhen\":\"%s\"}]}"
        .formatted(description, doneWhen);
  }

  private static String notes() {
    return "{\"path\":\"notes.txt\",\"content\":\"ready\"}";
  }

  private static List<RunnerReport.ToolCalled> spawnCalls(UUID parent) {
    return REPORTS.of(parent, RunnerReport.ToolCalled.class).stream()
        .filter(c -> c.tool().equals("spawn_subtask"))
        .toList();
  }

  private static UUID childId(RunnerReport.ToolCalled spawn) {
    Matcher m = CHILD_ID.matcher(spawn.result());
    assertThat(m.find()).as(spawn.result()).isTrue();
    return UUID.fromString(m.group(1));
  }

  /** Reads of one task on the ledger's public API, by anyone, so far. */
  private static long ledgerLookups() {
    return LEDGER
        .getBean(MeterRegistry.class)
        .find("http.server.requests")
        .tag("method", "GET")
        .tag("uri", "/api/v1/tasks/{lookup}")
        .timers()
        .stream()
        .mapToLong(Timer::count)
        .sum();
  }
}

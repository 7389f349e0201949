package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.runner.support.RealLedgerTest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The runner against the real ledger (its own Spring context in this JVM, on a real PostgreSQL
 * database): a task created through the ledger's API is dispatched, claimed, run in verified rounds
 * and recorded as succeeded by the ledger.
 */
class WithTheRealLedgerTests extends RealLedgerTest {

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
}

package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import io.tasklane.runner.support.RealLedgerTest;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The ledger takes {@code succeeded} only from the runner holding the claim and only when every
 * step of the plan has a passing verdict or check on record; anything else needs assistance.
 */
class LedgerRefusesUnverifiedSuccessTests extends RealLedgerTest {

  private static final KafkaProducer<String, String> PRODUCER =
      new KafkaProducer<>(
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.get().bootstrapServers(),
              ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
              ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));

  @Test
  void succeededFromTheClaimHolderWithAnUnverifiedStepIsRefused() throws Exception {
    String taskId = runningTaskThatHangs("refuse-1", true);

    forgeSucceeded(taskId, "runner-with-real-ledger");

    JsonNode task = awaitStatus(taskId, "needs_assistance");
    assertThat(task.get("statusReason").asString()).startsWith("unverified_success_refused");
    assertThat(journalTypes(taskId)).doesNotContain("status_changed:succeeded");
  }

  @Test
  void succeededFromARunnerThatDoesNotHoldTheClaimIsRefused() throws Exception {
    String taskId = runningTaskThatHangs("refuse-2", true);

    forgeSucceeded(taskId, "impostor-runner");

    JsonNode task = awaitStatus(taskId, "needs_assistance");
    assertThat(task.get("statusReason").asString())
        .startsWith("unverified_success_refused")
        .contains("impostor-runner");
    JsonNode audit = get("/api/v1/audit");
    assertThat(audit.toString()).contains("unverified_success_refused").contains(taskId);
  }

  @Test
  void aTaskWithoutAPlanCannotSucceedThroughTheRunnerPath() throws Exception {
    String taskId = runningTaskThatHangs("refuse-3", false);

    forgeSucceeded(taskId, "runner-with-real-ledger");

    JsonNode task = awaitStatus(taskId, "needs_assistance");
    assertThat(task.get("statusReason").asString())
        .startsWith("unverified_success_refused")
        .contains("no plan");
  }

  @Test
  void aClientPlanWithAnInvalidCheckIsAProblem() throws Exception {
    JsonNode problem =
        post(
            "/api/v1/tasks",
            """
            {"goal":"Write a","plan":[{"description":"Write a","doneWhen":"a exists",
              "check":{"type":"file_exists","path":"../secrets"}}]}""",
            400);
    assertThat(problem.get("detail").asString()).contains("leaves the workspace");
    JsonNode unknown =
        post(
            "/api/v1/tasks",
            """
            {"goal":"Write a","plan":[{"description":"Write a","doneWhen":"a exists",
              "check":{"type":"file_smells","path":"a.txt"}}]}""",
            400);
    assertThat(unknown.get("detail").asString())
        .contains("unknown check type 'file_smells'", "file_exists");
  }

  @Test
  void theOpenApiDocumentDescribesChecksWithAnExampleOfEachType() throws Exception {
    JsonNode check = get("/v3/api-docs").get("components").get("schemas").get("PlanCheck");

    assertThat(check.get("description").asString()).contains("the check decides the step");
    List<String> types = new ArrayList<>();
    check.get("properties").get("type").get("enum").values().forEach(t -> types.add(t.asString()));
    assertThat(types).containsExactlyElementsOf(io.tasklane.contracts.PlanCheck.TYPES);
    assertThat(check.get("examples").toString())
        .contains("\"type\":\"json_path_equals\"", "\"type\":\"command_exit\"");
  }

  @Test
  void aCheckedPlanSucceedsAndTheJournalSaysWhatDecidedEachStep() throws Exception {
    MODELS.script(
        "checked-executor",
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"alpha\"}"),
            Reply.text("a.txt written"),
            Reply.toolCall("read_file", "{\"path\":\"a.txt\"}"),
            Reply.text("read it"),
            Reply.text("a.txt holds alpha.")));
    MODELS.script("checked-verifier", Script.gullible("alpha"));

    String taskId =
        post(
                "/api/v1/tasks",
                """
                {"goal":"Write a.txt","runtime":"subagent",
                 "plan":[{"description":"Write a.txt","doneWhen":"a.txt holds alpha",
                          "check":{"type":"file_contains","path":"a.txt","text":"alpha"}},
                         {"description":"Read a.txt","doneWhen":"the read shows the word"}],
                 "modelOptions":{"model":"checked-executor","verifierModel":"checked-verifier"}}""")
            .get("taskId")
            .asString();

    JsonNode task = awaitStatus(taskId, "succeeded");

    assertThat(task.get("plan").get(0).get("check").get("type").asString())
        .isEqualTo("file_contains");
    List<String> decidedBy = new ArrayList<>();
    for (JsonNode entry : get("/api/v1/tasks/" + taskId + "/journal").get("items").values()) {
      if (entry.get("type").asString().equals("verdict")) {
        decidedBy.add(entry.get("payload").get("decidedBy").asString());
      }
    }
    assertThat(decidedBy).containsExactly("check", "model_judged");
  }

  @Test
  void fiveLargeToolResultsLoseNoVerdict() throws Exception {
    String big = "x".repeat(250 * 1024);
    List<Reply> replies = new ArrayList<>();
    StringBuilder plan = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      replies.add(
          Reply.toolCall(
              "write_file", "{\"path\":\"part" + i + ".txt\",\"content\":\"" + big + "\"}"));
      replies.add(Reply.text("part" + i + " written"));
      plan.append(i > 1 ? "," : "")
          .append(
              """
              {"description":"Write part%d.txt","doneWhen":"part%d.txt exists",
               "check":{"type":"file_exists","path":"part%d.txt"}}"""
                  .formatted(i, i, i));
    }
    replies.add(Reply.text("Five parts written."));
    MODELS.script("large-executor", Script.of(replies.toArray(Reply[]::new)));

    String taskId =
        post(
                "/api/v1/tasks",
                """
                {"goal":"Write five parts","runtime":"subagent","plan":[%s],
                 "modelOptions":{"model":"large-executor","verifierModel":"large-verifier"}}"""
                    .formatted(plan))
            .get("taskId")
            .asString();

    JsonNode task = awaitStatus(taskId, "succeeded");

    task.get("plan")
        .values()
        .forEach(s -> assertThat(s.get("status").asString()).isEqualTo("verified"));
    long verdicts =
        get("/api/v1/tasks/" + taskId + "/journal?limit=500").get("items").values().stream()
            .filter(e -> e.get("type").asString().equals("verdict"))
            .count();
    assertThat(verdicts).isEqualTo(5);
  }

  private static String runningTaskThatHangs(String name, boolean withPlan) throws Exception {
    MODELS.script(name + "-executor", Script.always(Reply.hang(Duration.ofSeconds(60))));
    MODELS.script(name + "-planner", Script.always(Reply.hang(Duration.ofSeconds(60))));
    String plan =
        withPlan ? ",\"plan\":[{\"description\":\"Write a\",\"doneWhen\":\"a exists\"}]" : "";
    String taskId =
        post(
                "/api/v1/tasks",
                """
                {"goal":"Write a","runtime":"subagent"%s,
                 "modelOptions":{"model":"%s-executor","plannerModel":"%s-planner"}}"""
                    .formatted(plan, name, name))
            .get("taskId")
            .asString();
    awaitStatus(taskId, "running");
    return taskId;
  }

  private static void forgeSucceeded(String taskId, String runnerId) throws Exception {
    var report =
        new RunnerReport.Finished(
            new RunnerReport.Header(
                UUID.randomUUID(), UUID.fromString(taskId), TENANT, 1, runnerId, Instant.now()),
            TaskStatus.SUCCEEDED,
            "All done, trust me.",
            null,
            ResumeContext.empty());
    PRODUCER
        .send(new ProducerRecord<>(Topics.RUNNER_REPORTS, taskId, JSON.writeValueAsString(report)))
        .get();
  }

  private static List<String> journalTypes(String taskId) throws Exception {
    List<String> types = new ArrayList<>();
    get("/api/v1/tasks/" + taskId + "/journal")
        .get("items")
        .values()
        .forEach(
            e ->
                types.add(
                    e.get("type").asString()
                        + (e.get("payload").has("to")
                            ? e.get("payload").get("to").asString()
                            : "")));
    return types;
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.ConversationMessage;
import io.tasklane.contracts.DeadlineAction;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.RunnerReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Approval requests in the ledger: recorded from the runner's stop, decided once, and an approved
 * call handed to one attempt only, so a run that stops right after the call never runs it again.
 */
class ApprovalTests extends OperationsTest {

  private static final String POLICY =
      """
      {"goal":"Write the report","plan":[{"description":"write","doneWhen":"written"}],
       "modelOptions":{"approvals":{"rules":[{"tool":"shell"}]}}}
      """;

  @Test
  void theRequestARunnerStopsForIsKeptWithTheDefaultDeadlineAndShownWhileTheTaskWaits() {
    String id = createTaskId(POLICY);
    claim(id, 1);

    stopForApproval(id, 1);

    JsonNode task = awaitTask(id, t -> t.get("status").asString().equals("needs_assistance"));
    assertThat(task.get("statusReason").asString()).isEqualTo(ApprovalRequest.REASON);
    JsonNode approval = task.get("approval");
    assertThat(approval.get("number").asInt()).isEqualTo(1);
    assertThat(approval.get("tool").asString()).isEqualTo("shell");
    assertThat(approval.get("onDeadline").asString()).isEqualTo("deny");
    assertThat(
            Duration.between(
                Instant.parse(approval.get("requestedAt").asString()),
                Instant.parse(approval.get("deadline").asString())))
        .isEqualTo(Duration.ofHours(1));
    assertThat(journalOfType(id, "approval_requested")).hasSize(1);
    JsonNode pending = api.get(tenant, "/api/v1/approvals").json();
    assertThat(pending.get("items")).hasSize(1);
    assertThat(pending.at("/items/0/taskId").asString()).isEqualTo(id);
  }

  @Test
  void anApprovedCallIsHandedToOneAttemptOnlyEvenWhenThatAttemptStopsBeforeReporting() {
    String id = createTaskId(POLICY);
    claim(id, 1);
    stopForApproval(id, 1);
    awaitTask(id, t -> t.get("status").asString().equals("needs_assistance"));

    var approved = api.post(tenant, "/api/v1/tasks/" + id + "/approve", "{\"approval\":1}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    assertThat(approved.json().get("attempt").asInt()).isEqualTo(2);

    JsonNode first = claim(id, 2).at("/resumeContext/approval");
    assertThat(first.get("decision").asString()).isEqualTo("approved");
    assertThat(first.get("decidedBy").asString()).isEqualTo("test-client");
    assertThat(first.get("executed").asBoolean()).isFalse();
    // the same runner asks again for the attempt it holds: it gets the call again
    assertThat(claim(id, 2).at("/resumeContext/approval/executed").asBoolean()).isFalse();

    // the attempt stops without a word (the runner died right after the call): recovered
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> maintenance(true), report -> report.get("recovered").asInt() == 1);
    JsonNode recovered = claim(id, 3).at("/resumeContext/approval");
    assertThat(recovered.get("decision").asString()).isEqualTo("approved");
    assertThat(recovered.get("executed").asBoolean()).isTrue();
  }

  @Test
  void aDecidedRequestCannotBeDecidedAgain() {
    String id = createTaskId(POLICY);
    claim(id, 1);
    stopForApproval(id, 1);
    awaitTask(id, t -> t.get("status").asString().equals("needs_assistance"));

    assertThat(api.post(tenant, "/api/v1/tasks/" + id + "/deny", "{\"approval\":1}").status())
        .isEqualTo(200);
    var again = api.post(tenant, "/api/v1/tasks/" + id + "/approve", "{\"approval\":1}");

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("type").asString()).endsWith("/approval-not-pending");
    assertThat(again.json().get("detail").asString())
        .startsWith("Approval request 1 of task " + id + " is no longer pending: denied by ");
    assertThat(show(id).at("/approval/decision").asString()).isEqualTo("denied");
    assertThat(journalOfType(id, "approval_decided")).hasSize(1);
  }

  @Test
  void thePendingListIsPagedOldestFirstAndRefusesACursorItDidNotHandOut() {
    String older = createTaskId(POLICY);
    claim(older, 1);
    stopForApproval(older, 1);
    awaitTask(older, t -> t.get("status").asString().equals("needs_assistance"));
    String newer = createTaskId(POLICY);
    claim(newer, 1);
    stopForApproval(newer, 1);
    awaitTask(newer, t -> t.get("status").asString().equals("needs_assistance"));

    JsonNode first = api.get(tenant, "/api/v1/approvals?limit=1").json();
    JsonNode second =
        api.get(tenant, "/api/v1/approvals?limit=1&cursor=" + first.get("nextCursor").asString())
            .json();

    assertThat(first.at("/items/0/taskId").asString()).isEqualTo(older);
    assertThat(second.at("/items/0/taskId").asString()).isEqualTo(newer);
    assertThat(second.get("nextCursor") == null || second.get("nextCursor").isNull()).isTrue();
    var refused = api.get(tenant, "/api/v1/approvals?cursor=not-a-cursor");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
  }

  private void stopForApproval(String id, int attempt) {
    UUID taskId = UUID.fromString(id);
    Instant now = Instant.now();
    var asked =
        new ApprovalRequest(
            1,
            "call-7",
            "shell",
            "{\"command\":\"make deploy\"}",
            0,
            List.of(),
            now,
            null,
            DeadlineAction.DENY,
            null,
            null,
            null,
            null,
            false);
    var context =
        new ResumeContext(
            0,
            List.of(
                ConversationMessage.of("user", "Task: Write the report"),
                new ConversationMessage(
                    "assistant", "{\"command\":\"make deploy\"}", "shell", "call-7")),
            List.of(),
            null,
            asked);
    new ScriptedRunner(id, tenant, attempt)
        .send(
            new RunnerReport.NeedsAssistance(
                new RunnerReport.Header(
                    UUID.randomUUID(), taskId, tenant, attempt, ScriptedRunner.RUNNER_ID, now),
                ApprovalRequest.REASON,
                context));
  }
}

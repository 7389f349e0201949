package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.ApprovalDecision;
import io.tasklane.contracts.ApprovalPolicy;
import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.ApprovalRule;
import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runner's side of approvals: a held call stops the run before it runs, and on the claim after
 * the decision the call is answered first: run once when approved and not yet handed out, never run
 * again when an earlier attempt took it.
 */
class ApprovalGateTests extends RunnerTest {

  private static final String SECRET = "{\"path\":\"secret.md\",\"content\":\"approved text\"}";

  private static ModelOptions held(Models m) {
    return new ModelOptions(
        m.executor(),
        m.planner(),
        m.verifier(),
        List.of("write_file", "read_file"),
        null,
        null,
        new ApprovalPolicy(
            List.of(new ApprovalRule("write_file", List.of(), "out/")), List.of(), 60, null),
        null);
  }

  @Test
  void aHeldCallIsNotRunAndTheRunStopsWithTheRequest() {
    Models m = models();
    MODELS.script(m.executor(), Script.of(Reply.toolCall("write_file", SECRET)));
    var task = task("Write the secret", plan("Write secret.md", "secret.md exists"), held(m));

    RunnerReport.NeedsAssistance stop = stopForApproval(task);

    ApprovalRequest request = stop.resumeContext().approval();
    assertThat(request.tool()).isEqualTo("write_file");
    assertThat(request.arguments()).isEqualTo(SECRET);
    assertThat(request.callId()).isNotBlank();
    assertThat(request.pending()).isTrue();
    assertThat(request.deadline()).isEqualTo(request.requestedAt().plusSeconds(60));
    assertThat(stop.resumeContext().conversation().getLast().toolCallId())
        .isEqualTo(request.callId());
    assertThat(REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class)).isEmpty();
    assertThat(Files.exists(workspace(task).resolve("secret.md"))).isFalse();
  }

  @Test
  void anApprovedCallRunsOnceFirstAndTheStepGoesOn() throws Exception {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", SECRET),
            Reply.text("secret.md is written"),
            Reply.text("ok")));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES secret.md was written")));
    var first = task("Write the secret", plan("Write secret.md", "secret.md exists"), held(m));
    ResumeContext stopped = stopForApproval(first).resumeContext();

    var second = again(first, decided(stopped, ApprovalDecision.APPROVED, false), held(m));
    dispatch(second);

    assertThat(REPORTS.awaitEnd(second.taskId(), 2))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    assertThat(REPORTS.of(second.taskId(), RunnerReport.ToolCalled.class))
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.callId()).isEqualTo(stopped.approval().callId());
              assertThat(call.attempt()).isEqualTo(2);
              assertThat(call.error()).isFalse();
            });
    assertThat(Files.readString(workspace(second).resolve("secret.md"))).isEqualTo("approved text");
    assertThat(MODELS.requests(m.executor())).hasSize(3);
  }

  @Test
  void anApprovedCallAnEarlierAttemptTookIsNeverRunAgain() throws Exception {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(Reply.toolCall("write_file", SECRET), Reply.text("I will check instead.")));
    MODELS.script(m.verifier(), Script.always(Reply.text("NO")));
    var first = task("Write the secret", plan("Write secret.md", "secret.md exists"), held(m));
    ResumeContext stopped = stopForApproval(first).resumeContext();

    var second = again(first, decided(stopped, ApprovalDecision.APPROVED, true), held(m));
    dispatch(second);

    REPORTS.awaitEnd(second.taskId(), 2);
    assertThat(REPORTS.of(second.taskId(), RunnerReport.ToolCalled.class)).isEmpty();
    assertThat(Files.exists(workspace(second).resolve("secret.md"))).isFalse();
    assertThat(MODELS.requests(m.executor()).get(1).transcript()).contains("Not run again");
  }

  @Test
  void aDeniedCallIsAnsweredWithWhoDeniedItAndNeverRuns() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(Reply.toolCall("write_file", SECRET), Reply.text("No secret, then.")));
    MODELS.script(m.verifier(), Script.always(Reply.text("NO")));
    var first = task("Write the secret", plan("Write secret.md", "secret.md exists"), held(m));
    ResumeContext stopped = stopForApproval(first).resumeContext();

    var second = again(first, decided(stopped, ApprovalDecision.DENIED, false), held(m));
    dispatch(second);

    REPORTS.awaitEnd(second.taskId(), 2);
    assertThat(REPORTS.of(second.taskId(), RunnerReport.ToolCalled.class)).isEmpty();
    assertThat(MODELS.requests(m.executor()).get(1).transcript())
        .contains("denied by alice", "not this one");
  }

  private RunnerReport.NeedsAssistance stopForApproval(TaskClaim.Granted task) {
    dispatch(task);
    RunnerReport end = REPORTS.awaitEnd(task.taskId());
    assertThat(end).isInstanceOf(RunnerReport.NeedsAssistance.class);
    var stop = (RunnerReport.NeedsAssistance) end;
    assertThat(stop.reason()).isEqualTo(ApprovalRequest.REASON);
    return stop;
  }

  private static TaskClaim.Granted again(
      TaskClaim.Granted first, ResumeContext resume, ModelOptions options) {
    return task(first.taskId(), 2, first.goal(), first.plan(), 0, resume, options);
  }

  private static ResumeContext decided(
      ResumeContext stopped, ApprovalDecision decision, boolean executed) {
    ApprovalRequest r = stopped.approval();
    return new ResumeContext(
        stopped.currentStep(),
        stopped.conversation(),
        stopped.evidence(),
        stopped.usage(),
        new ApprovalRequest(
            r.number(),
            r.callId(),
            r.tool(),
            r.arguments(),
            r.stepIndex(),
            r.approvers(),
            r.requestedAt(),
            r.deadline(),
            r.onDeadline(),
            decision,
            "alice",
            Instant.now(),
            decision == ApprovalDecision.DENIED ? "not this one" : null,
            executed));
  }
}

package io.tasklane.ledger.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.ApprovalDecision;
import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.api.ApprovalRefusedException;
import io.tasklane.ledger.approvals.Approvals;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Where a task meets its approval requests: a runner's stop for one, the claim that hands the
 * decided call back, and the decision. The requests themselves are kept by {@link Approvals}; the
 * task's resume context carries the latest one to the runner.
 */
@Component
class TaskApprovals {

  private final Approvals approvals;
  private final Journal journal;
  private final TaskJson taskJson;
  private final MeterRegistry meters;

  TaskApprovals(Approvals approvals, Journal journal, TaskJson taskJson, MeterRegistry meters) {
    this.approvals = approvals;
    this.journal = journal;
    this.taskJson = taskJson;
    this.meters = meters;
  }

  /**
   * The resume context to keep for a runner's {@code needs_assistance}: when the runner stopped for
   * an approval, with the request as the ledger recorded (and journaled) it.
   */
  ResumeContext asked(TaskEntity task, RunnerReport.NeedsAssistance help, Instant at) {
    ResumeContext context = help.resumeContext();
    if (!ApprovalRequest.REASON.equals(help.reason())
        || context == null
        || context.approval() == null
        || !context.approval().pending()) {
      return context;
    }
    ModelOptions options = taskJson.modelOptions(task);
    ApprovalRequest request =
        approvals.record(
            task.tenant,
            task.taskId,
            options == null ? null : options.approvals(),
            context.approval(),
            at);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("approval", request.number());
    payload.put("step", request.stepIndex());
    payload.put("callId", request.callId());
    payload.put("tool", request.tool());
    payload.put("arguments", request.arguments());
    payload.put("approvers", request.approvers());
    payload.put("deadline", request.deadline().toString());
    payload.put("onDeadline", request.onDeadline().wire());
    journal.append(task, at, JournalEntryType.APPROVAL_REQUESTED, payload);
    String tool = request.tool();
    Transitions.afterCommit(
        () ->
            Counter.builder("tasklane.approvals.requested")
                .description("Tool calls that stopped for an operator's approval")
                .tag("tool", tool == null ? "unknown" : tool)
                .register(meters)
                .increment());
    return with(context, request);
  }

  /** The resume context a claim hands out: an approved call is handed to one attempt only. */
  ResumeContext handOut(TaskEntity task, ResumeContext context) {
    if (context.approval() == null) {
      return context;
    }
    return with(context, approvals.handOut(task.taskId, task.attempt, context.approval()));
  }

  /**
   * Decides request {@code number} of a task that waits for it, keeps the decision in the task's
   * resume context and journals who made it.
   *
   * @throws ApprovalRefusedException when the task does not wait for that request, or the caller
   *     may not decide it
   */
  ApprovalRequest decide(
      TaskEntity task,
      int number,
      ApprovalDecision decision,
      String caller,
      String comment,
      Instant at) {
    if (task.status != TaskStatus.NEEDS_ASSISTANCE
        || !ApprovalRequest.REASON.equals(task.statusReason)) {
      approvals.refuseIfDecided(task.taskId, number);
      throw new ApprovalRefusedException(
          ApprovalRefusedException.Kind.NOT_PENDING,
          "Task %s is %s and does not wait for an approval"
              .formatted(task.taskId, task.status.wire()));
    }
    ApprovalRequest decided = approvals.decide(task.taskId, number, decision, caller, comment, at);
    task.resumeContext = taskJson.write(with(taskJson.resumeContext(task), decided));
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("approval", number);
    payload.put("decision", decision.wire());
    payload.put("decidedBy", caller);
    payload.put("tool", decided.tool());
    if (decided.comment() != null) {
      payload.put("comment", decided.comment());
    }
    journal.append(task, at, JournalEntryType.APPROVAL_DECIDED, payload);
    Transitions.afterCommit(
        () ->
            Counter.builder("tasklane.approvals.decided")
                .description("Approval requests decided, by decision")
                .tag("decision", decision.wire())
                .register(meters)
                .increment());
    return decided;
  }

  private static ResumeContext with(ResumeContext context, ApprovalRequest request) {
    return new ResumeContext(
        context.currentStep(),
        context.conversation(),
        context.evidence(),
        context.usage(),
        request);
  }
}

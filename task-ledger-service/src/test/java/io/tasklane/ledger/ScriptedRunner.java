package io.tasklane.ledger;

import io.tasklane.contracts.ConversationMessage;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Reports on {@code tasklane.runner-reports} as the runner holding one attempt of a task. */
public final class ScriptedRunner {

  public static final String RUNNER_ID = "runner-a";

  private final UUID taskId;
  private final String tenant;
  private final int attempt;

  public ScriptedRunner(String taskId, String tenant, int attempt) {
    this.taskId = UUID.fromString(taskId);
    this.tenant = tenant;
    this.attempt = attempt;
  }

  public String taskId() {
    return taskId.toString();
  }

  /** Sends a report; the same report sent twice is a redelivery. */
  public RunnerReport send(RunnerReport report) {
    Broker.send(
        Topics.RUNNER_REPORTS,
        taskId,
        Broker.JSON.writerFor(RunnerReport.class).writeValueAsString(report));
    return report;
  }

  public static ResumeContext context(int currentStep, String... assistantMessages) {
    return new ResumeContext(
        currentStep,
        java.util.Arrays.stream(assistantMessages)
            .map(text -> ConversationMessage.of("assistant", text))
            .toList());
  }

  public RunnerReport.PlanProposed plan(String... descriptions) {
    List<PlanStep> steps =
        java.util.stream.IntStream.range(0, descriptions.length)
            .mapToObj(i -> PlanStep.pending(i, descriptions[i], descriptions[i] + " is done"))
            .toList();
    return new RunnerReport.PlanProposed(header(), steps);
  }

  public RunnerReport.StepStarted stepStarted(int step) {
    return new RunnerReport.StepStarted(header(), step);
  }

  public RunnerReport.ToolCalled toolCalled(int step, String tool, String arguments) {
    return new RunnerReport.ToolCalled(header(), step, "call-1", tool, arguments, "ok", false, 12);
  }

  public RunnerReport.StepVerdict verdict(int step, boolean passed, String reason) {
    return new RunnerReport.StepVerdict(
        header(),
        step,
        passed,
        reason,
        "verifier-model",
        context(passed ? step + 1 : step, "step " + step + " evidence"));
  }

  public RunnerReport.Heartbeat heartbeat(int leaseSeconds) {
    return new RunnerReport.Heartbeat(header(), leaseSeconds);
  }

  public RunnerReport.Progress progress(String summary) {
    return new RunnerReport.Progress(header(), summary);
  }

  public RunnerReport.Paused paused(String reason, ResumeContext context) {
    return new RunnerReport.Paused(header(), reason, context);
  }

  public RunnerReport.NeedsAssistance needsAssistance(String reason, ResumeContext context) {
    return new RunnerReport.NeedsAssistance(header(), reason, context);
  }

  /**
   * Succeeds the way the ledger accepts it: a one-step plan (kept only when the task has none), a
   * passing verdict for that step, then {@code succeeded}.
   */
  public void succeed(String summary) {
    send(plan("the work"));
    send(verdict(0, true, "the work is done"));
    send(finished(TaskStatus.SUCCEEDED, summary, null));
  }

  public RunnerReport.Finished finished(TaskStatus outcome, String summary, String error) {
    return new RunnerReport.Finished(header(), outcome, summary, error, null);
  }

  private RunnerReport.Header header() {
    return new RunnerReport.Header(
        UUID.randomUUID(), taskId, tenant, attempt, RUNNER_ID, Instant.now());
  }
}

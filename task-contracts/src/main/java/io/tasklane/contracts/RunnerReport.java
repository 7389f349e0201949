package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a runner tells the ledger about the task it holds ({@link Topics#RUNNER_REPORTS}). Every
 * report carries the attempt (fencing token) it was made under; the ledger ignores stale attempts
 * and applies each {@code reportId} once.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RunnerReport.PlanProposed.class, name = "plan_proposed"),
  @JsonSubTypes.Type(value = RunnerReport.StepStarted.class, name = "step_started"),
  @JsonSubTypes.Type(value = RunnerReport.ToolCalled.class, name = "tool_called"),
  @JsonSubTypes.Type(value = RunnerReport.StepVerdict.class, name = "step_verdict"),
  @JsonSubTypes.Type(value = RunnerReport.Heartbeat.class, name = "heartbeat"),
  @JsonSubTypes.Type(value = RunnerReport.Progress.class, name = "progress"),
  @JsonSubTypes.Type(value = RunnerReport.Paused.class, name = "paused"),
  @JsonSubTypes.Type(value = RunnerReport.NeedsAssistance.class, name = "needs_assistance"),
  @JsonSubTypes.Type(value = RunnerReport.Finished.class, name = "finished"),
  @JsonSubTypes.Type(value = RunnerReport.HandedBack.class, name = "handed_back")
})
public sealed interface RunnerReport {

  /**
   * What every report starts with: which report, about which task and claim, from which runner, and
   * when.
   *
   * @param reportId unique per report; the ledger applies each one once
   * @param attempt the claim's attempt (fencing token) the report was made under
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Header(
      UUID reportId, UUID taskId, String tenant, int attempt, String runnerId, Instant at) {}

  Header header();

  default UUID reportId() {
    return header().reportId();
  }

  default UUID taskId() {
    return header().taskId();
  }

  default String tenant() {
    return header().tenant();
  }

  default int attempt() {
    return header().attempt();
  }

  default String runnerId() {
    return header().runnerId();
  }

  default Instant at() {
    return header().at();
  }

  /** The runner's plan for a task that had none. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record PlanProposed(Header header, List<PlanStep> plan) implements RunnerReport {}

  /** Execution of a step began (or began again after a NO verdict). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record StepStarted(Header header, int stepIndex) implements RunnerReport {}

  /**
   * One tool call the runner executed for the model, with its result.
   *
   * @param arguments the arguments exactly as the model sent them
   * @param error true when the call failed or was refused; {@code result} then says why
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ToolCalled(
      Header header,
      int stepIndex,
      String callId,
      String tool,
      String arguments,
      String result,
      boolean error,
      long durationMillis)
      implements RunnerReport {}

  /**
   * A step's verdict. Only {@code passed = true} advances the plan, and the ledger accepts {@code
   * succeeded} only when every step has one.
   *
   * @param verifierModel the model asked, or null when no model was asked
   * @param resumeContext the conversation up to the verdict, so a recovery never repeats the step
   * @param decidedBy the step's check, the verifier model, or the runner alone
   * @param answer the verifier model's raw answer (shortened), or null when no model was asked
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record StepVerdict(
      Header header,
      int stepIndex,
      boolean passed,
      String reason,
      String verifierModel,
      ResumeContext resumeContext,
      VerdictSource decidedBy,
      String answer)
      implements RunnerReport {

    public StepVerdict(
        Header header,
        int stepIndex,
        boolean passed,
        String reason,
        String verifierModel,
        ResumeContext resumeContext) {
      this(
          header,
          stepIndex,
          passed,
          reason,
          verifierModel,
          resumeContext,
          VerdictSource.MODEL_JUDGED,
          null);
    }
  }

  /** The runner still holds the task; the ledger extends the lease by {@code leaseSeconds}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Heartbeat(Header header, int leaseSeconds) implements RunnerReport {}

  /** A short human-readable account of where the task is. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Progress(Header header, String summary) implements RunnerReport {}

  /** The task stopped at a safe point because an operator paused it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Paused(Header header, String reason, ResumeContext resumeContext)
      implements RunnerReport {}

  /** The runner gave up safely and says why; an operator can resume it with guidance. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record NeedsAssistance(Header header, String reason, ResumeContext resumeContext)
      implements RunnerReport {}

  /**
   * The run ended.
   *
   * @param outcome succeeded, failed, timed_out or cancelled
   * @param summary the final summary for people
   * @param error what went wrong, or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Finished(
      Header header, TaskStatus outcome, String summary, String error, ResumeContext resumeContext)
      implements RunnerReport {}

  /**
   * The runner is shutting down and gives the task back at a safe point; the ledger queues it again
   * at once (attempt + 1) from {@code resumeContext}, without waiting for the lease. A ledger that
   * does not know this report skips it, and the lease recovers the task as before.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record HandedBack(Header header, String reason, ResumeContext resumeContext)
      implements RunnerReport {}
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step of a task's plan.
 *
 * @param index zero-based position in the plan
 * @param description what to do
 * @param doneWhen the condition in words; the verifier model judges it against observed evidence
 *     when the step has no {@code check}
 * @param status pending, running, verified or failed
 * @param attempts how many times the step was executed
 * @param verdict the last verdict's reason, or null before the first verification
 * @param check a done-when check the runner evaluates itself, or null; when present it decides
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlanStep(
    int index,
    String description,
    String doneWhen,
    StepStatus status,
    int attempts,
    String verdict,
    @JsonInclude(JsonInclude.Include.NON_NULL) PlanCheck check) {

  public PlanStep(
      int index,
      String description,
      String doneWhen,
      StepStatus status,
      int attempts,
      String verdict) {
    this(index, description, doneWhen, status, attempts, verdict, null);
  }

  /** A step that has not started yet. */
  public static PlanStep pending(int index, String description, String doneWhen) {
    return pending(index, description, doneWhen, null);
  }

  /** A step that has not started yet, decided by {@code check} when it is not null. */
  public static PlanStep pending(int index, String description, String doneWhen, PlanCheck check) {
    return new PlanStep(index, description, doneWhen, StepStatus.PENDING, 0, null, check);
  }

  /** The same step with a new status, attempt count and verdict. */
  public PlanStep with(StepStatus status, int attempts, String verdict) {
    return new PlanStep(index, description, doneWhen, status, attempts, verdict, check);
  }
}

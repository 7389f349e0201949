package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One step of a task's plan.
 *
 * @param index zero-based position in the plan
 * @param description what to do
 * @param doneWhen the check the verifier applies against recorded evidence
 * @param status pending, running, verified or failed
 * @param attempts how many times the step was executed
 * @param verdict the verifier's last reason, or null before the first verification
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlanStep(
    int index,
    String description,
    String doneWhen,
    StepStatus status,
    int attempts,
    String verdict) {

  /** A step that has not started yet. */
  public static PlanStep pending(int index, String description, String doneWhen) {
    return new PlanStep(index, description, doneWhen, StepStatus.PENDING, 0, null);
  }
}

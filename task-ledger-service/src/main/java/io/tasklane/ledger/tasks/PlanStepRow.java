package io.tasklane.ledger.tasks;

import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.StepStatus;
import jakarta.persistence.Convert;
import jakarta.persistence.Embeddable;

@Embeddable
class PlanStepRow {

  int stepIndex;
  String description;
  String doneWhen;

  @Convert(converter = WireEnumConverters.StepStatusConverter.class)
  StepStatus status;

  int attempts;
  String verdict;

  protected PlanStepRow() {}

  PlanStepRow(PlanStep step) {
    this.stepIndex = step.index();
    this.description = step.description();
    this.doneWhen = step.doneWhen();
    this.status = step.status() == null ? StepStatus.PENDING : step.status();
    this.attempts = step.attempts();
    this.verdict = step.verdict();
  }

  PlanStep toStep() {
    return new PlanStep(stepIndex, description, doneWhen, status, attempts, verdict);
  }
}

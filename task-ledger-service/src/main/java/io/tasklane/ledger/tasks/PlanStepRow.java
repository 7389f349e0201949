package io.tasklane.ledger.tasks;

import io.tasklane.contracts.PlanCheck;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.StepStatus;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
import jakarta.persistence.Embeddable;
import org.hibernate.annotations.ColumnTransformer;
import tools.jackson.databind.json.JsonMapper;

@Embeddable
class PlanStepRow {

  /** The row's place in the plan, written by the plan's index column. */
  @Column(name = "step_index", insertable = false, updatable = false)
  int stepIndex;

  String description;
  String doneWhen;

  @Convert(converter = WireEnumConverters.StepStatusConverter.class)
  StepStatus status;

  int attempts;
  String verdict;

  @Column(name = "done_check", columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  @Convert(converter = CheckConverter.class)
  PlanCheck check;

  protected PlanStepRow() {}

  PlanStepRow(PlanStep step) {
    this.stepIndex = step.index();
    this.description = step.description();
    this.doneWhen = step.doneWhen();
    this.status = step.status() == null ? StepStatus.PENDING : step.status();
    this.attempts = step.attempts();
    this.verdict = step.verdict();
    this.check = step.check();
  }

  PlanStep toStep() {
    return new PlanStep(stepIndex, description, doneWhen, status, attempts, verdict, check);
  }

  /** The check as the JSON the API shows. */
  static String checkJson(PlanCheck check) {
    return check == null ? null : CheckConverter.JSON.writeValueAsString(check);
  }

  @Converter
  static class CheckConverter implements AttributeConverter<PlanCheck, String> {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String convertToDatabaseColumn(PlanCheck check) {
      return checkJson(check);
    }

    @Override
    public PlanCheck convertToEntityAttribute(String value) {
      return value == null ? null : JSON.readValue(value, PlanCheck.class);
    }
  }
}

package io.tasklane.ledger.cron;

import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.ledger.tasks.CreateTaskRequest.PlanStepInput;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST} and {@code PUT /api/v1/cron-jobs}. The expression has Spring's six
 * fields (second first) or the classic five; {@code timeZone} is an IANA zone, UTC when absent.
 */
public record CronJobRequest(
    @NotBlank @Size(max = 200) String name,
    @NotBlank @Size(max = 200) String cronExpression,
    @Size(max = 100) String timeZone,
    Boolean enabled,
    @NotNull @Valid TaskTemplate task) {

  /** What each firing records as a task; runtime is always {@code cron}. */
  public record TaskTemplate(
      @NotBlank @Size(max = 20000) String goal,
      @Size(max = 200) String label,
      ModelOptions modelOptions,
      NotifyPolicy notifyPolicy,
      @Size(max = 40) Map<String, String> metadata,
      @Size(max = 50) List<@NotNull @Valid PlanStepInput> plan) {}
}

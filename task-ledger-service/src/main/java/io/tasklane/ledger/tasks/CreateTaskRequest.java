package io.tasklane.ledger.tasks;

import io.tasklane.contracts.Executor;
import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.PlanCheck;
import io.tasklane.contracts.Runtime;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The body of {@code POST /api/v1/tasks}. Only {@code goal} is required. */
public record CreateTaskRequest(
    @NotBlank String goal,
    String label,
    Runtime runtime,
    Executor executor,
    NotifyPolicy notifyPolicy,
    @Size(max = 200) String requesterSessionKey,
    @Size(max = 200) String ownerKey,
    @Size(max = 200) String runId,
    UUID parentTaskId,
    UUID parentFlowId,
    List<@NotNull @Valid PlanStepInput> plan,
    ModelOptions modelOptions,
    @Min(1) @Max(7 * 24 * 3600) Integer runTimeoutSeconds,
    Map<String, String> metadata) {

  /**
   * A plan step supplied by the caller.
   *
   * @param check a done-when check the runner evaluates itself; when given it decides the step
   */
  public record PlanStepInput(
      @NotBlank String description, @NotBlank String doneWhen, PlanCheck check) {}
}

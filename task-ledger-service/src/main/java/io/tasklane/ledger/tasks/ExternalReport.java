package io.tasklane.ledger.tasks;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.WireEnum;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/v1/tasks/{id}/reports}: what an external executor tells the ledger
 * about the run it holds. {@code attempt} is the run's fencing token.
 */
public record ExternalReport(
    @NotNull Type type,
    Integer attempt,
    @Size(max = 2000) String summary,
    TaskStatus outcome,
    @Size(max = 2000) String error,
    @Min(1) @Max(86400) Integer leaseSeconds) {

  public enum Type implements WireEnum {
    STARTED,
    PROGRESS,
    HEARTBEAT,
    FINISHED;

    @JsonCreator
    public static Type fromWire(String value) {
      return WireEnum.parse(Type.class, value);
    }
  }
}

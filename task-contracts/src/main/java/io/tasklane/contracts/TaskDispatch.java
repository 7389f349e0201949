package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.UUID;

/**
 * A runner-executed task is ready to be claimed ({@link Topics#TASK_DISPATCH}). The runner claims
 * {@code attempt} on the ledger before acknowledging the record.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskDispatch(
    UUID messageId, UUID taskId, String tenant, int attempt, Reason reason, Instant at) {

  /** Why the task is (again) ready to run. */
  public enum Reason implements WireEnum {
    CREATED,
    RETRY,
    RESUME,
    RECOVERY,
    REDISPATCH;

    @JsonCreator
    public static Reason fromWire(String value) {
      return WireEnum.parse(Reason.class, value);
    }
  }
}

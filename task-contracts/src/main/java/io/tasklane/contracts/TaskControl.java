package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.UUID;

/**
 * An operator's instruction for a running task, broadcast to every runner ({@link
 * Topics#TASK_CONTROL}); the runner holding {@code attempt} acts on it.
 *
 * @param notifyPolicy the new policy, only for {@link Command#NOTIFY_POLICY}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskControl(
    UUID messageId,
    UUID taskId,
    String tenant,
    int attempt,
    Command command,
    NotifyPolicy notifyPolicy,
    String reason,
    Instant at) {

  public enum Command implements WireEnum {
    CANCEL,
    PAUSE,
    NOTIFY_POLICY;

    @JsonCreator
    public static Command fromWire(String value) {
      return WireEnum.parse(Command.class, value);
    }
  }
}

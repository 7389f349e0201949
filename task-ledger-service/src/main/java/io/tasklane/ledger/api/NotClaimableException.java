package io.tasklane.ledger.api;

import io.tasklane.contracts.TaskStatus;
import java.util.UUID;

/** A claim for an attempt that is not (or no longer) waiting for a runner. */
public class NotClaimableException extends RuntimeException {

  private final TaskStatus current;

  public NotClaimableException(
      UUID taskId, TaskStatus current, int currentAttempt, int claimedAttempt) {
    super(
        "Task %s is %s at attempt %d; attempt %d cannot be claimed"
            .formatted(taskId, current.wire(), currentAttempt, claimedAttempt));
    this.current = current;
  }

  public TaskStatus current() {
    return current;
  }
}

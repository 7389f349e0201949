package io.tasklane.ledger.api;

import io.tasklane.contracts.TaskStatus;
import java.util.UUID;

/** The task's current status does not allow the requested change. */
public class InvalidTransitionException extends RuntimeException {

  private final TaskStatus current;

  public InvalidTransitionException(UUID taskId, TaskStatus current, String action) {
    super("Task %s is %s and cannot %s".formatted(taskId, current.wire(), action));
    this.current = current;
  }

  public TaskStatus current() {
    return current;
  }
}

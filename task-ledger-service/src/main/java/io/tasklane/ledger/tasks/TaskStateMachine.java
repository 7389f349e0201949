package io.tasklane.ledger.tasks;

import static io.tasklane.contracts.TaskStatus.CANCELLED;
import static io.tasklane.contracts.TaskStatus.FAILED;
import static io.tasklane.contracts.TaskStatus.LOST;
import static io.tasklane.contracts.TaskStatus.NEEDS_ASSISTANCE;
import static io.tasklane.contracts.TaskStatus.PAUSED;
import static io.tasklane.contracts.TaskStatus.QUEUED;
import static io.tasklane.contracts.TaskStatus.RUNNING;
import static io.tasklane.contracts.TaskStatus.SUCCEEDED;
import static io.tasklane.contracts.TaskStatus.TIMED_OUT;

import io.tasklane.contracts.TaskStatus;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that knows which status changes are allowed. Terminal states only leave through
 * {@link Trigger#RETRY}; {@code lost} is only reached through reconciliation ({@link
 * Trigger#MARK_LOST}); a running task only goes back to queued through {@link Trigger#RECOVER}.
 */
public final class TaskStateMachine {

  private TaskStateMachine() {}

  /** The status a task in {@code from} moves to on {@code trigger}, if that is allowed. */
  public static Optional<TaskStatus> next(TaskStatus from, Trigger trigger) {
    return allowedFrom(trigger).contains(from) ? Optional.of(target(trigger)) : Optional.empty();
  }

  /** The statuses from which {@code trigger} is allowed. */
  public static Set<TaskStatus> allowedFrom(Trigger trigger) {
    return switch (trigger) {
      case CLAIM, START -> EnumSet.of(QUEUED);
      case PAUSE -> EnumSet.of(QUEUED, RUNNING);
      case RESUME -> EnumSet.of(PAUSED, NEEDS_ASSISTANCE);
      case CANCEL -> EnumSet.of(QUEUED, RUNNING, PAUSED, NEEDS_ASSISTANCE);
      case RETRY -> EnumSet.of(FAILED, TIMED_OUT, CANCELLED, LOST);
      case NEEDS_ASSISTANCE, SUCCEED, FAIL, TIME_OUT, RECOVER -> EnumSet.of(RUNNING);
      case MARK_LOST -> EnumSet.of(QUEUED, RUNNING);
      case APPROVAL_EXPIRED -> EnumSet.of(NEEDS_ASSISTANCE);
    };
  }

  private static TaskStatus target(Trigger trigger) {
    return switch (trigger) {
      case CLAIM, START -> RUNNING;
      case PAUSE -> PAUSED;
      case RESUME, RETRY, RECOVER -> QUEUED;
      case CANCEL -> CANCELLED;
      case NEEDS_ASSISTANCE -> NEEDS_ASSISTANCE;
      case SUCCEED -> SUCCEEDED;
      case FAIL, APPROVAL_EXPIRED -> FAILED;
      case TIME_OUT -> TIMED_OUT;
      case MARK_LOST -> LOST;
    };
  }
}

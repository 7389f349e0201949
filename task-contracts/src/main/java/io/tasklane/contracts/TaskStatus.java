package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Where a task is in its life. Terminal states only leave through an explicit retry or resume. */
public enum TaskStatus implements WireEnum {
  QUEUED,
  RUNNING,
  PAUSED,
  NEEDS_ASSISTANCE,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  LOST;

  /** True for succeeded, failed, timed_out, cancelled and lost. */
  public boolean isTerminal() {
    return switch (this) {
      case SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, LOST -> true;
      case QUEUED, RUNNING, PAUSED, NEEDS_ASSISTANCE -> false;
    };
  }

  /** True for the states a task can be retried from: failed, timed_out, cancelled and lost. */
  public boolean isRetryable() {
    return isTerminal() && this != SUCCEEDED;
  }

  @JsonCreator
  public static TaskStatus fromWire(String value) {
    return WireEnum.parse(TaskStatus.class, value);
  }
}

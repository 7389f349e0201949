package io.tasklane.cli;

import io.tasklane.contracts.TaskStatus;

/** The exit statuses of the CLI; scripts rely on them, so they only ever gain new values. */
public final class ExitCodes {

  public static final int OK = 0;
  public static final int REQUEST_FAILED = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;
  public static final int UNAUTHENTICATED = 4;
  public static final int FORBIDDEN = 5;
  public static final int RATE_LIMITED = 6;
  public static final int TASK_FAILED = 10;
  public static final int TASK_TIMED_OUT = 11;
  public static final int TASK_CANCELLED = 12;
  public static final int TASK_LOST = 13;
  public static final int TASK_NEEDS_ASSISTANCE = 14;

  private ExitCodes() {}

  /** What {@code tasks follow} exits with once the task settles in {@code status}. */
  public static int forSettled(TaskStatus status) {
    return switch (status) {
      case SUCCEEDED -> OK;
      case FAILED -> TASK_FAILED;
      case TIMED_OUT -> TASK_TIMED_OUT;
      case CANCELLED -> TASK_CANCELLED;
      case LOST -> TASK_LOST;
      case NEEDS_ASSISTANCE -> TASK_NEEDS_ASSISTANCE;
      case QUEUED, RUNNING, PAUSED ->
          throw new IllegalArgumentException(status.wire() + " is not a settled status");
    };
  }
}

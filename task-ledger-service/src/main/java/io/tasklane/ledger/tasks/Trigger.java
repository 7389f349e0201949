package io.tasklane.ledger.tasks;

/** What asks a task to change state. The state machine decides whether it may. */
public enum Trigger {
  CLAIM,
  START,
  PAUSE,
  RESUME,
  CANCEL,
  RETRY,
  NEEDS_ASSISTANCE,
  SUCCEED,
  FAIL,
  TIME_OUT,
  RECOVER,
  MARK_LOST,
  /** An approval request the task waited for expired, and its policy says the task fails. */
  APPROVAL_EXPIRED
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * What an audit finding is about, in the order the ledger's checks run. {@link #STALE_RUNNING} is
 * both a task and a flow code; the others are about tasks ({@code stale_queued} to {@code
 * inconsistent_timestamps}) or about flows ({@code stale_waiting} to {@code blocked_task_missing}).
 */
public enum AuditCode implements WireEnum {
  STALE_QUEUED,
  STALE_RUNNING,
  LOST,
  /** A runner reported succeeded without verified steps; the ledger recorded needs_assistance. */
  UNVERIFIED_SUCCESS_REFUSED,
  DELIVERY_FAILED,
  DELIVERY_PENDING,
  MISSING_CLEANUP,
  INCONSISTENT_TIMESTAMPS,
  STALE_WAITING,
  STALE_BLOCKED,
  CANCEL_STUCK,
  MISSING_LINKED_TASKS,
  BLOCKED_TASK_MISSING;

  @JsonCreator
  public static AuditCode fromWire(String value) {
    return WireEnum.parse(AuditCode.class, value);
  }
}

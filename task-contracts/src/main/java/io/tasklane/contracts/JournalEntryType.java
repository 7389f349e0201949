package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** What an entry of a task's append-only journal records. */
public enum JournalEntryType implements WireEnum {
  CREATED,
  STATUS_CHANGED,
  PLAN_SET,
  STEP_STARTED,
  TOOL_CALL,
  VERDICT,
  PROGRESS,
  OPERATOR_MESSAGE,
  NOTIFY_POLICY_CHANGED,
  RECOVERY,
  DELIVERY,
  /** A tool call stopped for an operator's decision ({@link ApprovalRequest}). */
  APPROVAL_REQUESTED,
  /** An approval request was approved, denied or expired, and by whom. */
  APPROVAL_DECIDED;

  @JsonCreator
  public static JournalEntryType fromWire(String value) {
    return WireEnum.parse(JournalEntryType.class, value);
  }
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** An operator's (or the deadline's) answer to an approval request. */
public enum ApprovalDecision implements WireEnum {
  APPROVED,
  DENIED,
  EXPIRED;

  @JsonCreator
  public static ApprovalDecision fromWire(String value) {
    return WireEnum.parse(ApprovalDecision.class, value);
  }
}

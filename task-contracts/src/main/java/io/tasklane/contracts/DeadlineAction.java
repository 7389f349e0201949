package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** What an approval request becomes when its deadline passes without a decision. */
public enum DeadlineAction implements WireEnum {
  /** The call is denied and the run continues without it. */
  DENY,
  /** The task fails. */
  FAIL;

  @JsonCreator
  public static DeadlineAction fromWire(String value) {
    return WireEnum.parse(DeadlineAction.class, value);
  }
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Where an orchestrated flow is, rolled up from its linked tasks. */
public enum FlowStatus implements WireEnum {
  QUEUED,
  RUNNING,
  WAITING,
  BLOCKED,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  LOST;

  public boolean isTerminal() {
    return switch (this) {
      case SUCCEEDED, FAILED, CANCELLED, LOST -> true;
      case QUEUED, RUNNING, WAITING, BLOCKED -> false;
    };
  }

  @JsonCreator
  public static FlowStatus fromWire(String value) {
    return WireEnum.parse(FlowStatus.class, value);
  }
}

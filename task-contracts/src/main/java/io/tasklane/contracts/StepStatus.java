package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** A plan step's state. A step only becomes verified on a YES from the verifier. */
public enum StepStatus implements WireEnum {
  PENDING,
  RUNNING,
  VERIFIED,
  FAILED;

  @JsonCreator
  public static StepStatus fromWire(String value) {
    return WireEnum.parse(StepStatus.class, value);
  }
}

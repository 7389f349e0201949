package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * Who runs a task: Tasklane's runners, or someone else who reports progress through the API with
 * the run's fencing token.
 */
public enum Executor implements WireEnum {
  RUNNER,
  EXTERNAL;

  @JsonCreator
  public static Executor fromWire(String value) {
    return WireEnum.parse(Executor.class, value);
  }
}

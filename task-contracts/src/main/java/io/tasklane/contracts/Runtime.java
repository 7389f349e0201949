package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The kind of detached work a task records. */
public enum Runtime implements WireEnum {
  SUBAGENT,
  ACP,
  CRON,
  CLI;

  @JsonCreator
  public static Runtime fromWire(String value) {
    return WireEnum.parse(Runtime.class, value);
  }
}

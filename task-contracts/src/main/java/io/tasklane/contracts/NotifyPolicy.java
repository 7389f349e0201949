package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Which lifecycle events of a task reach the requester session. */
public enum NotifyPolicy implements WireEnum {
  DONE_ONLY,
  STATE_CHANGES,
  SILENT;

  /** The built-in default: agent work reports its result, scheduled and CLI work stays quiet. */
  public static NotifyPolicy defaultFor(Runtime runtime) {
    return switch (runtime) {
      case SUBAGENT, ACP -> DONE_ONLY;
      case CRON, CLI -> SILENT;
    };
  }

  @JsonCreator
  public static NotifyPolicy fromWire(String value) {
    return WireEnum.parse(NotifyPolicy.class, value);
  }
}

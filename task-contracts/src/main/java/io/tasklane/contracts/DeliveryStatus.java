package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** How the result of a task reached (or did not reach) the session that asked for it. */
public enum DeliveryStatus implements WireEnum {
  PENDING,
  DELIVERED,
  SESSION_QUEUED,
  FAILED,
  PARENT_MISSING,
  NOT_APPLICABLE;

  @JsonCreator
  public static DeliveryStatus fromWire(String value) {
    return WireEnum.parse(DeliveryStatus.class, value);
  }
}

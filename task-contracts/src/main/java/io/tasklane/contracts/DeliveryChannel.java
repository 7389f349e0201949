package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Where the notifier delivers a message for a session. */
public enum DeliveryChannel implements WireEnum {
  INBOX,
  WEBHOOK,
  TELEGRAM;

  @JsonCreator
  public static DeliveryChannel fromWire(String value) {
    return WireEnum.parse(DeliveryChannel.class, value);
  }
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** How urgently an operator should look at an audit finding; ordered from least to most urgent. */
public enum Severity implements WireEnum {
  INFO,
  WARN,
  ERROR;

  @JsonCreator
  public static Severity fromWire(String value) {
    return WireEnum.parse(Severity.class, value);
  }
}

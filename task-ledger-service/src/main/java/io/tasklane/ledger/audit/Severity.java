package io.tasklane.ledger.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.tasklane.contracts.WireEnum;

/** How urgently an operator should look at a finding. */
public enum Severity implements WireEnum {
  INFO,
  WARN,
  ERROR;

  @JsonCreator
  public static Severity fromWire(String value) {
    return WireEnum.parse(Severity.class, value);
  }
}

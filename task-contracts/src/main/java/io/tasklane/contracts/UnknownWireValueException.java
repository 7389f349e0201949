package io.tasklane.contracts;

import java.util.List;

/** A wire value that is not one of an enum's allowed values. */
public final class UnknownWireValueException extends IllegalArgumentException {

  private final String typeName;
  private final String value;
  private final List<String> allowedValues;

  public UnknownWireValueException(String typeName, String value, List<String> allowedValues) {
    super(
        "unknown %s value '%s'; allowed values: %s"
            .formatted(typeName, value, String.join(", ", allowedValues)));
    this.typeName = typeName;
    this.value = value;
    this.allowedValues = List.copyOf(allowedValues);
  }

  public String typeName() {
    return typeName;
  }

  public String value() {
    return value;
  }

  public List<String> allowedValues() {
    return allowedValues;
  }
}

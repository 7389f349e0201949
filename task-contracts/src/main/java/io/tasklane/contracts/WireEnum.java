package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An enum whose wire value is its constant name in snake_case ({@code TIMED_OUT} travels as {@code
 * timed_out}). Parsing rejects unknown values with a message naming the allowed ones.
 */
public interface WireEnum {

  String name();

  /** The value as it appears on the wire and in the database. */
  @JsonValue
  default String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The wire values of every constant of {@code type}, in declaration order. */
  static <E extends Enum<E> & WireEnum> List<String> allowedValues(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(WireEnum::wire).toList();
  }

  /**
   * Parses a wire value.
   *
   * @throws UnknownWireValueException when {@code value} is not one of the allowed values
   */
  static <E extends Enum<E> & WireEnum> E parse(Class<E> type, String value) {
    for (E constant : type.getEnumConstants()) {
      if (constant.wire().equals(value)) {
        return constant;
      }
    }
    throw new UnknownWireValueException(type.getSimpleName(), value, allowedValues(type));
  }
}

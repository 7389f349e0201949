package io.tasklane.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/** JSON for the fake servers of this module: plain maps and lists in, wire text out. */
public final class WireJson {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private WireJson() {}

  /** Parses any JSON value into maps, lists, strings, numbers, booleans or null. */
  public static Object parse(String text) {
    return MAPPER.readValue(text, Object.class);
  }

  /** Parses a JSON object whose values are kept as text (numbers as written, nulls dropped). */
  public static Map<String, String> parseFlatObject(String text) {
    Map<String, String> result = new LinkedHashMap<>();
    MAPPER
        .readTree(text)
        .properties()
        .forEach(
            field -> {
              if (!field.getValue().isNull()) {
                result.put(
                    field.getKey(),
                    field.getValue().isValueNode()
                        ? field.getValue().asString()
                        : field.getValue().toString());
              }
            });
    return result;
  }

  public static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }

  /** A JSON string literal. */
  public static String quote(String value) {
    return MAPPER.writeValueAsString(value);
  }

  /** Text that is already JSON, written as it is inside a larger value. */
  public static Object raw(String json) {
    return new RawValue(json);
  }
}

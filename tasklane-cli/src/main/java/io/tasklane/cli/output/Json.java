package io.tasklane.cli.output;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reading the API's JSON tolerantly and printing JSON for scripts. */
public final class Json {

  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  public static JsonNode parse(String text) {
    return MAPPER.readTree(text);
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Pretty-printed, one document per call. */
  public static void print(PrintWriter out, JsonNode node) {
    out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
  }

  /** Compact, one line per document. */
  public static String line(JsonNode node) {
    return MAPPER.writeValueAsString(node);
  }

  /** The field as text, or null when it is missing or null. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() || value.isMissingNode() ? null : value.asString();
  }

  /** The field as an instant, or null when it is missing, null or not a timestamp. */
  public static Instant instant(JsonNode node, String field) {
    String text = text(node, field);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The elements of an array field; none when the field is missing or not an array. */
  public static Iterable<JsonNode> items(JsonNode node, String field) {
    JsonNode array = node == null ? null : node.get(field);
    if (array == null || !array.isArray()) {
      return List.of();
    }
    return array;
  }
}

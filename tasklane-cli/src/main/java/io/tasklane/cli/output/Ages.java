package io.tasklane.cli.output;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/** Durations as the API writes them (seconds, or ISO-8601 such as {@code PT10M}) made short. */
public final class Ages {

  private Ages() {}

  /** "12m", "3h", "2d": the duration in the largest unit that fits. */
  public static String format(Duration duration) {
    if (duration == null) {
      return "-";
    }
    long seconds = duration.abs().getSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 48 * 3600) {
      return seconds / 3600 + "h";
    }
    return seconds / 86400 + "d";
  }

  /** Reads a duration field given in seconds or as ISO-8601; null when absent or unreadable. */
  public static Duration read(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isNumber()) {
      return Duration.ofMillis(Math.round(value.asDouble() * 1000));
    }
    try {
      return Duration.parse(value.asString());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

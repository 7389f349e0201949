package io.tasklane.ledger.cron;

import io.tasklane.ledger.api.InvalidRequestException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.springframework.scheduling.support.CronExpression;

/** Parses cron expressions and time zones, and finds the next firing time. */
final class Schedules {

  private Schedules() {}

  static CronExpression expression(String text) {
    String trimmed = text.trim();
    String sixFields = trimmed.split("\\s+").length == 5 ? "0 " + trimmed : trimmed;
    try {
      return CronExpression.parse(sixFields);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "cronExpression", "'%s' is not a cron expression: %s".formatted(text, e.getMessage()));
    }
  }

  static ZoneId zone(String text) {
    if (text == null || text.isBlank()) {
      return ZoneId.of("UTC");
    }
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      throw new InvalidRequestException("timeZone", "'%s' is not a time zone".formatted(text));
    }
  }

  /** The first firing strictly after {@code after}, or null when the expression never fires. */
  static Instant next(String expression, String zone, Instant after) {
    ZonedDateTime next = expression(expression).next(after.atZone(zone(zone)));
    return next == null ? null : next.toInstant();
  }
}

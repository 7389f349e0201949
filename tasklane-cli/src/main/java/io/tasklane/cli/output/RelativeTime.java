package io.tasklane.cli.output;

import java.time.Duration;
import java.time.Instant;

/** "3m ago", "in 20s": how far a moment is from now, in the largest unit that fits. */
public final class RelativeTime {

  private RelativeTime() {}

  public static String format(Instant at, Instant now) {
    if (at == null) {
      return "-";
    }
    Duration distance = Duration.between(at, now);
    boolean future = distance.isNegative();
    long seconds = distance.abs().getSeconds();
    if (seconds < 5) {
      return future ? "in a moment" : "just now";
    }
    String amount;
    if (seconds < 60) {
      amount = seconds + "s";
    } else if (seconds < 3600) {
      amount = seconds / 60 + "m";
    } else if (seconds < 48 * 3600) {
      amount = seconds / 3600 + "h";
    } else {
      amount = seconds / 86400 + "d";
    }
    return future ? "in " + amount : amount + " ago";
  }
}

package io.tasklane.cli.output;

/** ANSI colour for human output, or plain text when colour is off. */
public record Style(boolean enabled) {

  private static final String RESET = "\u001b[0m";

  public String bold(String text) {
    return paint("1", text);
  }

  public String dim(String text) {
    return paint("2", text);
  }

  public String red(String text) {
    return paint("31", text);
  }

  public String green(String text) {
    return paint("32", text);
  }

  public String yellow(String text) {
    return paint("33", text);
  }

  public String cyan(String text) {
    return paint("36", text);
  }

  /** A task or flow status in the colour an operator scans for. */
  public String status(String status) {
    if (status == null) {
      return "-";
    }
    return switch (status) {
      case "succeeded" -> green(status);
      case "running" -> cyan(status);
      case "paused", "needs_assistance", "waiting", "blocked" -> yellow(status);
      case "failed", "timed_out", "lost" -> red(status);
      case "cancelled" -> dim(status);
      default -> status;
    };
  }

  /** A delivery status: failures stand out, successes are quiet. */
  public String delivery(String delivery) {
    if (delivery == null) {
      return "-";
    }
    return switch (delivery) {
      case "delivered" -> green(delivery);
      case "failed", "parent_missing" -> red(delivery);
      case "not_applicable" -> dim(delivery);
      default -> delivery;
    };
  }

  /** An audit severity. */
  public String severity(String severity) {
    if (severity == null) {
      return "-";
    }
    return switch (severity) {
      case "error" -> red(severity);
      case "warn" -> yellow(severity);
      default -> severity;
    };
  }

  /** The visible width of {@code text}, not counting colour codes. */
  public static int width(String text) {
    String plain = strip(text);
    return plain.codePointCount(0, plain.length());
  }

  static String strip(String text) {
    return text.replaceAll("\u001b\\[[0-9;]*m", "");
  }

  private String paint(String code, String text) {
    return enabled ? "\u001b[" + code + "m" + text + RESET : text;
  }
}

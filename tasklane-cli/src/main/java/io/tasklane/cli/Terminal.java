package io.tasklane.cli;

import io.tasklane.cli.output.Style;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * Where a command writes and what it knows about its surroundings: the environment, whether
 * standard output is a terminal (colour is only used there, and never with {@code NO_COLOR}), and
 * the clock that relative times are measured against.
 */
public record Terminal(
    PrintWriter out,
    PrintWriter err,
    Map<String, String> env,
    boolean stdoutIsTerminal,
    Clock clock) {

  /** Set by the launcher script, which can tell whether standard output is a terminal. */
  static final String TTY_PROPERTY = "tasklane.stdout.tty";

  /** The process's own streams, environment and clock. */
  public static Terminal system() {
    return new Terminal(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        System.getenv(),
        stdoutIsATerminal(),
        Clock.systemDefaultZone());
  }

  public Style style() {
    String noColor = env.get("NO_COLOR");
    return new Style(stdoutIsTerminal && (noColor == null || noColor.isEmpty()));
  }

  private static boolean stdoutIsATerminal() {
    String told = System.getProperty(TTY_PROPERTY);
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // Since Java 22 a console exists even when redirected; isTerminal() then tells the truth.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}

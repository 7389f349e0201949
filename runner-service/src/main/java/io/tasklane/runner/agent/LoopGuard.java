package io.tasklane.runner.agent;

import io.tasklane.runner.RunnerProperties;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Watches one step's tool calls for a model that is going round in circles: the same {@code (tool,
 * canonical arguments)} repeated within a window, a cycle of two to four calls repeated (A-B-A-B,
 * A-B-C-D-A-B-C-D...), and calls whose arguments differ only in a number (a counter).
 */
final class LoopGuard {

  enum Action {
    ALLOW,
    GUIDE,
    BLOCK,
    GIVE_UP
  }

  /**
   * @param pattern repeat, ping_pong (two calls alternating), cycle (three or four calls in turn)
   *     or counter (the same call with only a number changing)
   */
  record Verdict(Action action, String pattern, int repeats) {}

  private static final Pattern NUMBER = Pattern.compile("\\d+");
  private static final int CYCLE_REPEATS = 3;

  private final RunnerProperties.LoopGuard settings;
  private final Deque<String> recent = new ArrayDeque<>();
  private final Deque<String> shapes = new ArrayDeque<>();
  private int blocked;

  LoopGuard(RunnerProperties.LoopGuard settings) {
    this.settings = settings;
  }

  Verdict check(String tool, String canonicalArguments) {
    String key = tool + " " + canonicalArguments;
    String shape = tool + " " + NUMBER.matcher(canonicalArguments).replaceAll("#");
    remember(recent, key);
    remember(shapes, shape);
    int repeats = (int) recent.stream().filter(key::equals).count();
    int sameShape = (int) shapes.stream().filter(shape::equals).count();
    int cycle = cycleLength();
    if (repeats >= settings.blockAt()) {
      return block(pingPong() ? "ping_pong" : "repeat", repeats);
    }
    if (cycle > 0) {
      return block(cycle == 2 ? "ping_pong" : "cycle", CYCLE_REPEATS);
    }
    if (sameShape >= settings.counterAt()) {
      return block("counter", sameShape);
    }
    if (repeats >= settings.guidanceAt()) {
      return new Verdict(Action.GUIDE, pingPong() ? "ping_pong" : "repeat", repeats);
    }
    if (sameShape >= settings.counterAt() - 1) {
      return new Verdict(Action.GUIDE, "counter", sameShape);
    }
    return new Verdict(Action.ALLOW, "repeat", repeats);
  }

  private Verdict block(String pattern, int repeats) {
    blocked++;
    Action action =
        blocked >= settings.blockedCallsBeforeAssistance() ? Action.GIVE_UP : Action.BLOCK;
    return new Verdict(action, pattern, repeats);
  }

  private void remember(Deque<String> calls, String call) {
    calls.addLast(call);
    while (calls.size() > settings.window()) {
      calls.removeFirst();
    }
  }

  /** The length (2 to 4) of a cycle the newest calls repeat three times in a row, or 0. */
  private int cycleLength() {
    List<String> calls = List.copyOf(recent);
    int n = calls.size();
    for (int length = 2; length <= 4; length++) {
      int span = length * CYCLE_REPEATS;
      if (span > n) {
        break;
      }
      List<String> tail = calls.subList(n - span, n);
      if (new HashSet<>(tail.subList(0, length)).size() < 2) {
        continue;
      }
      boolean periodic = true;
      for (int i = length; i < span && periodic; i++) {
        periodic = tail.get(i).equals(tail.get(i - length));
      }
      if (periodic) {
        return length;
      }
    }
    return 0;
  }

  private boolean pingPong() {
    List<String> calls = List.copyOf(recent);
    int n = calls.size();
    if (n < 4) {
      return false;
    }
    Set<String> pair = new HashSet<>(calls.subList(n - 4, n));
    return pair.size() == 2
        && calls.get(n - 1).equals(calls.get(n - 3))
        && calls.get(n - 2).equals(calls.get(n - 4));
  }
}

package io.tasklane.runner.agent;

import io.tasklane.runner.RunnerProperties;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Watches one step's tool calls for a model that is going round in circles: the same {@code (tool,
 * canonical arguments)} repeated within a window, which also catches A-B ping-pong.
 */
final class LoopGuard {

  enum Action {
    ALLOW,
    GUIDE,
    BLOCK,
    GIVE_UP
  }

  /**
   * @param pattern repeat, or ping_pong when the recent calls alternate between two calls
   */
  record Verdict(Action action, String pattern, int repeats) {}

  private final RunnerProperties.LoopGuard settings;
  private final Deque<String> recent = new ArrayDeque<>();
  private int blocked;

  LoopGuard(RunnerProperties.LoopGuard settings) {
    this.settings = settings;
  }

  Verdict check(String tool, String canonicalArguments) {
    String key = tool + " " + canonicalArguments;
    recent.addLast(key);
    while (recent.size() > settings.window()) {
      recent.removeFirst();
    }
    int repeats = (int) recent.stream().filter(key::equals).count();
    String pattern = pingPong() ? "ping_pong" : "repeat";
    if (repeats >= settings.blockAt()) {
      blocked++;
      Action action =
          blocked >= settings.blockedCallsBeforeAssistance() ? Action.GIVE_UP : Action.BLOCK;
      return new Verdict(action, pattern, repeats);
    }
    if (repeats >= settings.guidanceAt()) {
      return new Verdict(Action.GUIDE, pattern, repeats);
    }
    return new Verdict(Action.ALLOW, pattern, repeats);
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

package io.tasklane.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.agent.LoopGuard.Action;
import io.tasklane.runner.agent.LoopGuard.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The loop guard on its own, with the default settings: guidance at the third repeat, a block at
 * the fourth, the task given up at the second block.
 */
@Tag("fast")
class LoopGuardRulesTests {

  private final LoopGuard guard =
      new LoopGuard(new RunnerProperties.LoopGuard(12, 3, 4, 2, 6, 8, 32));

  @Test
  void aRepeatedCallIsGuidedThenBlockedThenGivenUp() {
    List<Verdict> verdicts = calls("list_files {}", 5);

    assertThat(verdicts)
        .extracting(Verdict::action)
        .containsExactly(Action.ALLOW, Action.ALLOW, Action.GUIDE, Action.BLOCK, Action.GIVE_UP);
    assertThat(verdicts.get(2)).isEqualTo(new Verdict(Action.GUIDE, "repeat", 3));
    assertThat(verdicts.get(3)).isEqualTo(new Verdict(Action.BLOCK, "repeat", 4));
  }

  @Test
  void twoCallsInTurnAreCaughtAsPingPong() {
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      verdicts.add(guard.check("read_file", "{\"path\":\"a.txt\"}"));
      verdicts.add(guard.check("list_files", "{}"));
    }

    assertThat(verdicts.get(4)).isEqualTo(new Verdict(Action.GUIDE, "ping_pong", 3));
    assertThat(verdicts.get(5)).isEqualTo(new Verdict(Action.BLOCK, "ping_pong", 3));
  }

  @Test
  void threeCallsInTurnRepeatedThreeTimesAreACycle() {
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      verdicts.add(guard.check("list_files", "{}"));
      verdicts.add(guard.check("read_file", "{\"path\":\"a.txt\"}"));
      verdicts.add(guard.check("read_file", "{\"path\":\"b.txt\"}"));
    }

    assertThat(verdicts.subList(0, 6)).extracting(Verdict::action).containsOnly(Action.ALLOW);
    assertThat(verdicts.get(8)).isEqualTo(new Verdict(Action.BLOCK, "cycle", 3));
  }

  @Test
  void theSameCallWithOnlyANumberChangingIsACounter() {
    List<Verdict> verdicts = new ArrayList<>();
    for (int page = 1; page <= 6; page++) {
      verdicts.add(
          guard.check("http_fetch", "{\"url\":\"https://example.org/?page=" + page + "\"}"));
    }

    assertThat(verdicts.subList(0, 4)).extracting(Verdict::action).containsOnly(Action.ALLOW);
    assertThat(verdicts.get(4)).isEqualTo(new Verdict(Action.GUIDE, "counter", 5));
    assertThat(verdicts.get(5)).isEqualTo(new Verdict(Action.BLOCK, "counter", 6));
  }

  @Test
  void callsThatMakeProgressAreAllowed() {
    List<Verdict> verdicts = new ArrayList<>();
    for (String file : List.of("a.txt", "b.txt", "c.txt", "notes.md", "README")) {
      verdicts.add(guard.check("read_file", "{\"path\":\"" + file + "\"}"));
    }

    assertThat(verdicts).extracting(Verdict::action).containsOnly(Action.ALLOW);
  }

  private List<Verdict> calls(String call, int times) {
    String[] parts = call.split(" ", 2);
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      verdicts.add(guard.check(parts[0], parts[1]));
    }
    return verdicts;
  }
}

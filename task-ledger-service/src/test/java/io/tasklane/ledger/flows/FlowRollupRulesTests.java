package io.tasklane.ledger.flows;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.FlowStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How a flow's status rolls up from the statuses of its linked tasks, as a table. */
@Tag("fast")
class FlowRollupRulesTests {

  static List<Object[]> table() {
    return List.of(
        row("", FlowStatus.QUEUED),
        row("queued", FlowStatus.QUEUED),
        row("queued queued", FlowStatus.QUEUED),
        row("queued succeeded", FlowStatus.RUNNING),
        row("queued paused", FlowStatus.RUNNING),
        row("running", FlowStatus.RUNNING),
        row("running succeeded", FlowStatus.RUNNING),
        row("running failed", FlowStatus.BLOCKED),
        row("needs_assistance succeeded", FlowStatus.BLOCKED),
        row("timed_out queued", FlowStatus.BLOCKED),
        row("paused", FlowStatus.WAITING),
        row("paused succeeded", FlowStatus.WAITING),
        row("succeeded", FlowStatus.SUCCEEDED),
        row("succeeded succeeded", FlowStatus.SUCCEEDED),
        row("succeeded cancelled", FlowStatus.CANCELLED),
        row("succeeded lost", FlowStatus.LOST),
        row("cancelled lost", FlowStatus.LOST));
  }

  @ParameterizedTest(name = "tasks [{0}] -> {1}")
  @MethodSource("table")
  void theFlowFollowsItsTasks(String tasks, FlowStatus rolledUp) {
    assertThat(FlowRollup.statusOf(FlowStatus.QUEUED, false, counts(tasks))).isEqualTo(rolledUp);
  }

  @Test
  void aCancelledFlowKeepsItsStatusUntilNoTaskIsActiveThenIsCancelled() {
    assertThat(FlowRollup.statusOf(FlowStatus.RUNNING, true, counts("running succeeded")))
        .isEqualTo(FlowStatus.RUNNING);
    assertThat(FlowRollup.statusOf(FlowStatus.BLOCKED, true, counts("needs_assistance")))
        .isEqualTo(FlowStatus.BLOCKED);
    assertThat(FlowRollup.statusOf(FlowStatus.BLOCKED, true, counts("failed cancelled")))
        .isEqualTo(FlowStatus.CANCELLED);
  }

  private static Object[] row(String tasks, FlowStatus rolledUp) {
    return new Object[] {tasks, rolledUp};
  }

  private static Map<String, Long> counts(String tasks) {
    Map<String, Long> counts = new HashMap<>();
    for (String status : tasks.split(" ")) {
      if (!status.isEmpty()) {
        counts.merge(status, 1L, Long::sum);
      }
    }
    return counts;
  }
}

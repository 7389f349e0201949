package io.tasklane.ledger.tasks;

import static io.tasklane.contracts.TaskStatus.CANCELLED;
import static io.tasklane.contracts.TaskStatus.FAILED;
import static io.tasklane.contracts.TaskStatus.LOST;
import static io.tasklane.contracts.TaskStatus.NEEDS_ASSISTANCE;
import static io.tasklane.contracts.TaskStatus.PAUSED;
import static io.tasklane.contracts.TaskStatus.QUEUED;
import static io.tasklane.contracts.TaskStatus.RUNNING;
import static io.tasklane.contracts.TaskStatus.SUCCEEDED;
import static io.tasklane.contracts.TaskStatus.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.TaskStatus;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The state table, one row per status: every way out of it, and nothing else. */
@Tag("fast")
class TaskStateMachineTableTests {

  private static final Map<TaskStatus, Map<Trigger, TaskStatus>> WAYS_OUT =
      new EnumMap<>(
          Map.of(
              QUEUED,
              Map.of(
                  Trigger.CLAIM, RUNNING,
                  Trigger.START, RUNNING,
                  Trigger.PAUSE, PAUSED,
                  Trigger.CANCEL, CANCELLED,
                  Trigger.MARK_LOST, LOST),
              RUNNING,
              Map.of(
                  Trigger.PAUSE, PAUSED,
                  Trigger.CANCEL, CANCELLED,
                  Trigger.NEEDS_ASSISTANCE, NEEDS_ASSISTANCE,
                  Trigger.SUCCEED, SUCCEEDED,
                  Trigger.FAIL, FAILED,
                  Trigger.TIME_OUT, TIMED_OUT,
                  Trigger.RECOVER, QUEUED,
                  Trigger.MARK_LOST, LOST),
              PAUSED,
              Map.of(Trigger.RESUME, QUEUED, Trigger.CANCEL, CANCELLED),
              NEEDS_ASSISTANCE,
              Map.of(
                  Trigger.RESUME, QUEUED,
                  Trigger.CANCEL, CANCELLED,
                  Trigger.APPROVAL_EXPIRED, FAILED),
              SUCCEEDED,
              Map.of(),
              FAILED,
              Map.of(Trigger.RETRY, QUEUED),
              TIMED_OUT,
              Map.of(Trigger.RETRY, QUEUED),
              CANCELLED,
              Map.of(Trigger.RETRY, QUEUED),
              LOST,
              Map.of(Trigger.RETRY, QUEUED)));

  @Test
  void eachStatusLeavesOnlyByItsRowOfTheTable() {
    assertThat(WAYS_OUT).containsOnlyKeys(TaskStatus.values());
    for (TaskStatus from : TaskStatus.values()) {
      Map<Trigger, TaskStatus> row = new EnumMap<>(Trigger.class);
      for (Trigger trigger : Trigger.values()) {
        TaskStateMachine.next(from, trigger).ifPresent(to -> row.put(trigger, to));
      }
      assertThat(row).as("ways out of %s", from).isEqualTo(WAYS_OUT.get(from));
    }
  }

  @Test
  void aRunningTaskGoesBackToQueuedOnlyThroughRecovery() {
    for (Trigger trigger : Trigger.values()) {
      boolean requeues = TaskStateMachine.next(RUNNING, trigger).filter(QUEUED::equals).isPresent();
      assertThat(requeues)
          .as("%s requeues a running task", trigger)
          .isEqualTo(trigger == Trigger.RECOVER);
    }
  }

  @Test
  void aSucceededTaskIsFinalEvenForRetry() {
    for (Trigger trigger : Trigger.values()) {
      assertThat(TaskStateMachine.next(SUCCEEDED, trigger)).as("%s", trigger).isEmpty();
    }
  }
}

package io.tasklane.notifier.delivery;

import static io.tasklane.contracts.TaskLifecycleEvent.TYPE_CREATED;
import static io.tasklane.contracts.TaskLifecycleEvent.TYPE_NOTIFY_POLICY_CHANGED;
import static io.tasklane.contracts.TaskLifecycleEvent.TYPE_PROGRESS;
import static io.tasklane.contracts.TaskLifecycleEvent.TYPE_STATUS_CHANGED;
import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.notifier.delivery.NotifyPolicyRules.Decision;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which lifecycle events reach the requester, by the policy in force at the event, as a table. */
@Tag("fast")
class NotifyPolicyRulesTests {

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          done_only     | status_changed        | succeeded        | NOTIFY
          done_only     | status_changed        | failed           | NOTIFY
          done_only     | status_changed        | needs_assistance | NOTIFY
          done_only     | status_changed        | running          | SKIP
          done_only     | created               | queued           | SKIP
          done_only     | progress              | running          | SKIP
          -             | status_changed        | lost             | NOTIFY
          -             | status_changed        | paused           | SKIP
          state_changes | created               | queued           | NOTIFY
          state_changes | status_changed        | running          | NOTIFY
          state_changes | status_changed        | cancelled        | NOTIFY
          state_changes | progress              | running          | NOTIFY_IF_PROGRESS_DUE
          state_changes | notify_policy_changed | running          | SKIP
          silent        | status_changed        | succeeded        | NOT_APPLICABLE
          silent        | status_changed        | timed_out        | NOT_APPLICABLE
          silent        | status_changed        | needs_assistance | SKIP
          silent        | progress              | running          | SKIP
          """)
  void thePolicyInForceDecides(String policy, String type, String status, Decision decision) {
    assertThat(NotifyPolicyRules.decide(event(policy, type, status))).isEqualTo(decision);
  }

  private static TaskLifecycleEvent event(String policy, String type, String status) {
    String eventType =
        switch (type) {
          case "created" -> TYPE_CREATED;
          case "status_changed" -> TYPE_STATUS_CHANGED;
          case "progress" -> TYPE_PROGRESS;
          case "notify_policy_changed" -> TYPE_NOTIFY_POLICY_CHANGED;
          default -> throw new IllegalArgumentException(type);
        };
    UUID taskId = UUID.randomUUID();
    var data =
        new TaskLifecycleEvent.Data(
            taskId,
            "acme",
            Runtime.SUBAGENT,
            Executor.RUNNER,
            "a task",
            TaskStatus.fromWire(status),
            null,
            null,
            policy == null ? null : NotifyPolicy.fromWire(policy),
            null,
            "session-1",
            "task_" + taskId,
            null,
            null,
            null,
            1,
            null,
            null,
            null,
            null);
    return TaskLifecycleEvent.of(UUID.randomUUID(), eventType, Instant.now(), 1, data);
  }
}

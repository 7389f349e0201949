package io.tasklane.notifier.delivery;

import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;

/** Which lifecycle events reach the requester session, by the policy in force at the event. */
final class NotifyPolicyRules {

  enum Decision {
    NOTIFY,
    NOTIFY_IF_PROGRESS_DUE,
    NOT_APPLICABLE,
    SKIP
  }

  private NotifyPolicyRules() {}

  static Decision decide(TaskLifecycleEvent event) {
    var data = event.data();
    NotifyPolicy policy =
        data.notifyPolicy() == null ? NotifyPolicy.DONE_ONLY : data.notifyPolicy();
    TaskStatus status = data.status();
    boolean transition =
        TaskLifecycleEvent.TYPE_STATUS_CHANGED.equals(event.type())
            || TaskLifecycleEvent.TYPE_CREATED.equals(event.type());
    boolean terminal = transition && status != null && status.isTerminal();
    return switch (policy) {
      case SILENT -> terminal ? Decision.NOT_APPLICABLE : Decision.SKIP;
      case DONE_ONLY ->
          terminal || (transition && status == TaskStatus.NEEDS_ASSISTANCE)
              ? Decision.NOTIFY
              : Decision.SKIP;
      case STATE_CHANGES -> {
        if (transition) {
          yield Decision.NOTIFY;
        }
        yield TaskLifecycleEvent.TYPE_PROGRESS.equals(event.type())
            ? Decision.NOTIFY_IF_PROGRESS_DUE
            : Decision.SKIP;
      }
    };
  }
}

package io.tasklane.runner.subtasks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import java.util.UUID;

/** A child task as its parent sees it: where it is, and what it ended with. */
@JsonIgnoreProperties(ignoreUnknown = true)
record ChildTask(
    UUID taskId, TaskStatus status, String statusReason, String terminalSummary, String error) {

  static ChildTask of(TaskLifecycleEvent.Data data) {
    return new ChildTask(
        data.taskId(), data.status(), data.statusReason(), data.terminalSummary(), data.error());
  }

  /** Ended, or stopped until an operator helps: either way the parent has its answer. */
  boolean settled() {
    return status != null && (status.isTerminal() || status == TaskStatus.NEEDS_ASSISTANCE);
  }
}

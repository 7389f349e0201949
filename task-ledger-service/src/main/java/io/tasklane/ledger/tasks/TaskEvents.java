package io.tasklane.ledger.tasks;

import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.TaskControl;
import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import io.tasklane.ledger.approvals.Approvals;
import io.tasklane.ledger.events.Outbox;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Turns task changes into outgoing messages, all through the outbox. */
@Component
class TaskEvents {

  private final Outbox outbox;
  private final TaskJson taskJson;
  private final Approvals approvals;

  TaskEvents(Outbox outbox, TaskJson taskJson, Approvals approvals) {
    this.outbox = outbox;
    this.taskJson = taskJson;
    this.approvals = approvals;
  }

  void lifecycle(
      TaskEntity task,
      String type,
      long seq,
      Instant at,
      io.tasklane.contracts.TaskStatus previous) {
    outbox.add(lifecycleMessage(task, type, seq, at, previous));
  }

  Outbox.Message lifecycleMessage(
      TaskEntity task,
      String type,
      long seq,
      Instant at,
      io.tasklane.contracts.TaskStatus previous) {
    var data =
        new TaskLifecycleEvent.Data(
            task.taskId,
            task.tenant,
            task.runtime,
            task.executor,
            task.label,
            task.status,
            previous,
            task.statusReason,
            task.notifyPolicy,
            task.deliveryStatus,
            task.requesterSessionKey,
            task.childSessionKey,
            task.runId,
            task.parentFlowId,
            task.parentTaskId,
            task.attempt,
            task.progressSummary,
            task.terminalSummary,
            task.error,
            taskJson.metadata(task),
            waitingFor(task));
    var event = TaskLifecycleEvent.of(UUID.randomUUID(), type, at, seq, data);
    return outbox.message(
        Topics.TASK_LIFECYCLE, task.taskId, task.tenant, event, at, task.traceParent);
  }

  /** The approval request a task waits for, carried by its events while it waits. */
  private ApprovalRequest waitingFor(TaskEntity task) {
    boolean waiting =
        task.status == TaskStatus.NEEDS_ASSISTANCE
            && ApprovalRequest.REASON.equals(task.statusReason);
    return waiting
        ? approvals.latest(task.taskId).filter(ApprovalRequest::pending).orElse(null)
        : null;
  }

  void dispatch(TaskEntity task, TaskDispatch.Reason reason, Instant at) {
    outbox.add(dispatchMessage(task, reason, at));
  }

  Outbox.Message dispatchMessage(TaskEntity task, TaskDispatch.Reason reason, Instant at) {
    var message =
        new TaskDispatch(UUID.randomUUID(), task.taskId, task.tenant, task.attempt, reason, at);
    return outbox.message(
        Topics.TASK_DISPATCH, task.taskId, task.tenant, message, at, task.traceParent);
  }

  void control(TaskEntity task, TaskControl.Command command, String reason, Instant at) {
    var message =
        new TaskControl(
            UUID.randomUUID(),
            task.taskId,
            task.tenant,
            task.attempt,
            command,
            task.notifyPolicy,
            reason,
            at);
    outbox.add(
        outbox.message(
            Topics.TASK_CONTROL, task.taskId, task.tenant, message, at, task.traceParent));
  }
}

package io.tasklane.ledger.tasks;

import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.ledger.approvals.Approvals;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes the JSON columns of a task. */
@Component
class TaskJson {

  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private final JsonMapper json;
  private final Approvals approvals;

  TaskJson(JsonMapper json, Approvals approvals) {
    this.json = json;
    this.approvals = approvals;
  }

  Map<String, String> metadata(TaskEntity task) {
    return task.metadata == null ? Map.of() : json.readValue(task.metadata, STRING_MAP);
  }

  ModelOptions modelOptions(TaskEntity task) {
    return task.modelOptions == null ? null : json.readValue(task.modelOptions, ModelOptions.class);
  }

  ResumeContext resumeContext(TaskEntity task) {
    return task.resumeContext == null
        ? new ResumeContext(task.currentStep, null)
        : json.readValue(task.resumeContext, ResumeContext.class);
  }

  String write(Object value) {
    return value == null ? null : json.writeValueAsString(value);
  }

  TaskView view(TaskEntity task) {
    return new TaskView(
        task.taskId,
        task.runtime,
        task.executor,
        task.label,
        task.goal,
        task.status,
        task.statusReason,
        task.deliveryStatus,
        task.notifyPolicy,
        task.requesterSessionKey,
        task.ownerKey,
        task.childSessionKey,
        task.runId,
        task.parentFlowId,
        task.parentTaskId,
        task.attempt,
        task.runnerId,
        task.leaseExpiresAt,
        task.plan.stream().map(PlanStepRow::toStep).toList(),
        task.currentStep,
        modelOptions(task),
        task.runTimeoutSeconds,
        task.createdAt,
        task.startedAt,
        task.lastEventAt,
        task.endedAt,
        task.cleanupAfter,
        task.error,
        task.progressSummary,
        task.terminalSummary,
        metadata(task),
        task.version,
        resumeContext(task).usage(),
        approvals.latest(task.taskId).orElse(null));
  }
}

package io.tasklane.ledger.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A task as the API shows it.
 *
 * @param usage what the task has spent so far over all attempts, as its latest report gave it
 * @param approval the task's latest approval request, pending or decided, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(
    UUID taskId,
    Runtime runtime,
    Executor executor,
    String label,
    String goal,
    TaskStatus status,
    String statusReason,
    DeliveryStatus deliveryStatus,
    NotifyPolicy notifyPolicy,
    String requesterSessionKey,
    String ownerKey,
    String childSessionKey,
    String runId,
    UUID parentFlowId,
    UUID parentTaskId,
    int attempt,
    String runnerId,
    Instant leaseExpiresAt,
    List<PlanStep> plan,
    int currentStep,
    ModelOptions modelOptions,
    Integer runTimeoutSeconds,
    Instant createdAt,
    Instant startedAt,
    Instant lastEventAt,
    Instant endedAt,
    Instant cleanupAfter,
    String error,
    String progressSummary,
    String terminalSummary,
    Map<String, String> metadata,
    long version,
    Usage usage,
    ApprovalRequest approval) {}

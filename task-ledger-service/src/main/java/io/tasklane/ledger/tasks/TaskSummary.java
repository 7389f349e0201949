package io.tasklane.ledger.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of a task listing; {@code currentStep} is zero-based and {@code stepCount} is the size of
 * the plan (0 before it has one).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSummary(
    UUID taskId,
    Runtime runtime,
    String label,
    TaskStatus status,
    DeliveryStatus deliveryStatus,
    NotifyPolicy notifyPolicy,
    String runId,
    String childSessionKey,
    String requesterSessionKey,
    UUID parentFlowId,
    int attempt,
    Instant createdAt,
    Instant lastEventAt,
    String progressSummary,
    String terminalSummary,
    String statusReason,
    int currentStep,
    int stepCount) {}

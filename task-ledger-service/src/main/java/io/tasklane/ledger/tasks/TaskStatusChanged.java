package io.tasklane.ledger.tasks;

import io.tasklane.contracts.TaskStatus;
import java.util.UUID;

/**
 * Published inside the transaction of every task transition, and of a task's creation ({@code from}
 * is null then), so features that roll task status up (flows) can follow in the same transaction.
 */
public record TaskStatusChanged(
    UUID taskId, String tenant, UUID parentFlowId, TaskStatus from, TaskStatus to) {}

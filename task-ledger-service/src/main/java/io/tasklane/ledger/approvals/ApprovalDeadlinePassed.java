package io.tasklane.ledger.approvals;

import java.util.UUID;

/** A pending approval request reached its deadline; the task's owner decides it {@code expired}. */
public record ApprovalDeadlinePassed(String tenant, UUID taskId, int number) {}

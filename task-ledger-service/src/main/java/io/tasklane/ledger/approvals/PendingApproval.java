package io.tasklane.ledger.approvals;

import io.tasklane.contracts.ApprovalRequest;
import java.util.UUID;

/** An approval request a task waits for, as the pending list shows it. */
public record PendingApproval(UUID taskId, String label, ApprovalRequest approval) {}

package io.tasklane.ledger.approvals;

import java.util.List;

/** A page of pending approval requests, oldest first; {@code nextCursor} is null on the last. */
public record ApprovalPage(List<PendingApproval> items, String nextCursor) {}

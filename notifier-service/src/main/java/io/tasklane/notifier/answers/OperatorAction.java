package io.tasklane.notifier.answers;

import java.util.UUID;

/**
 * An operator's answer on its way to the ledger, as the session's tenant.
 *
 * @param approval the approval request's number, for approve and deny
 * @param text the comment (approve, deny), guidance (resume) or reason (cancel); may be null
 * @param caller who answered, e.g. {@code telegram:<user id>} or {@code webhook:<actor>}
 */
public record OperatorAction(
    UUID taskId,
    AnswerAction action,
    Integer approval,
    String text,
    String tenant,
    String caller) {}

package io.tasklane.notifier.answers;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

/**
 * A chat front end's answer to one of the session's tasks, signed with the session webhook's
 * secret.
 *
 * @param action approve, deny, resume or cancel
 * @param approval the approval request's number (approve and deny)
 * @param comment the comment (approve, deny), guidance (resume) or reason (cancel)
 * @param actor who answered in the front end; the ledger records {@code webhook:<actor>}
 */
record SessionActionRequest(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) UUID taskId,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            allowableValues = {"approve", "deny", "resume", "cancel"})
        String action,
    Integer approval,
    String comment,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String actor) {}

package io.tasklane.notifier.answers;

import java.util.UUID;

/**
 * The ledger took the answer.
 *
 * @param status the task's status afterwards
 */
record SessionActionResult(UUID taskId, String action, String status) {}

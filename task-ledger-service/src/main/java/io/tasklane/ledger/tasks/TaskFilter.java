package io.tasklane.ledger.tasks;

import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskStatus;
import java.util.List;
import java.util.UUID;

/** Filters of a task listing; null or empty means "any". */
public record TaskFilter(
    List<TaskStatus> statuses, Runtime runtime, UUID flowId, String session, String label) {}

package io.tasklane.runner.subtasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.Runtime;
import java.util.UUID;

/** The body of the ledger's {@code POST /api/v1/tasks} for a child task. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ChildTaskRequest(
    String goal,
    String label,
    Runtime runtime,
    UUID parentTaskId,
    String requesterSessionKey,
    ModelOptions modelOptions) {}

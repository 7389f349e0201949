package io.tasklane.ledger.flows;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.tasklane.ledger.tasks.TaskSummary;
import java.util.List;
import java.util.Map;

/** A flow with its linked tasks (newest first) and how many of them are in each status. */
public record FlowDetail(
    @JsonUnwrapped FlowView flow, List<TaskSummary> tasks, TaskCounts summary) {

  public record TaskCounts(long total, Map<String, Long> byStatus) {}
}

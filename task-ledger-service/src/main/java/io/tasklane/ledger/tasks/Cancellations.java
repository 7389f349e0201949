package io.tasklane.ledger.tasks;

import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.api.InvalidTransitionException;
import io.tasklane.ledger.api.TaskNotFoundException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Cancels a task and then every task it spawned that is still active, children before their own
 * children: work nobody waits for any more should not go on running. Each is its own change, so a
 * descendant that ends meanwhile keeps its outcome.
 */
@Service
public class Cancellations {

  /** The wire values of the statuses of a task that has not ended. */
  public static final List<String> ACTIVE =
      Arrays.stream(TaskStatus.values())
          .filter(status -> !status.isTerminal())
          .map(TaskStatus::wire)
          .toList();

  private static final int MAX_DEPTH = 32;

  private final TaskLedger ledger;
  private final JdbcClient jdbc;

  Cancellations(TaskLedger ledger, JdbcClient jdbc) {
    this.ledger = ledger;
    this.jdbc = jdbc;
  }

  public TaskView cancel(String tenant, UUID taskId, String reason) {
    TaskView cancelled = ledger.cancel(tenant, taskId, reason);
    for (UUID descendant : activeDescendants(tenant, taskId)) {
      try {
        ledger.cancel(tenant, descendant, "parent task " + taskId + " cancelled");
      } catch (InvalidTransitionException | TaskNotFoundException settled) {
        // it ended on its own meanwhile
      }
    }
    return cancelled;
  }

  private List<UUID> activeDescendants(String tenant, UUID taskId) {
    return jdbc.sql(
            """
            with recursive descendants as (
              select task_id, 1 as depth from tasks
              where tenant = :tenant and parent_task_id = :taskId
              union all
              select t.task_id, d.depth + 1 from tasks t
              join descendants d on t.parent_task_id = d.task_id
              where t.tenant = :tenant and d.depth < :maxDepth
            )
            select d.task_id from descendants d join tasks t on t.task_id = d.task_id
            where t.status in (:active)
            order by d.depth, t.created_at
            """)
        .param("tenant", tenant)
        .param("taskId", taskId)
        .param("maxDepth", MAX_DEPTH)
        .param("active", ACTIVE)
        .query(UUID.class)
        .list();
  }
}

package io.tasklane.ledger.flows;

import static io.tasklane.contracts.TaskStatus.CANCELLED;
import static io.tasklane.contracts.TaskStatus.LOST;
import static io.tasklane.contracts.TaskStatus.PAUSED;
import static io.tasklane.contracts.TaskStatus.QUEUED;
import static io.tasklane.contracts.TaskStatus.RUNNING;
import static io.tasklane.contracts.TaskStatus.SUCCEEDED;

import io.tasklane.contracts.FlowStatus;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.StatusSql;
import io.tasklane.ledger.api.InvalidRequestException;
import io.tasklane.ledger.api.LedgerProblem;
import io.tasklane.ledger.tasks.TaskStatusChanged;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Keeps a flow's status in step with its linked tasks, in the transaction of the task change: a
 * failed or stuck task blocks the flow, and retrying or resuming that task reopens the same flow.
 */
@Component
class FlowRollup {

  private final FlowRepository flows;
  private final JdbcClient jdbc;
  private final EntityManager entityManager;
  private final Clock clock;

  FlowRollup(FlowRepository flows, JdbcClient jdbc, EntityManager entityManager, Clock clock) {
    this.flows = flows;
    this.jdbc = jdbc;
    this.entityManager = entityManager;
    this.clock = clock;
  }

  @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
  void onTaskChanged(TaskStatusChanged change) {
    if (change.parentFlowId() == null) {
      return;
    }
    entityManager.flush();
    Optional<FlowEntity> locked =
        flows.lock(change.parentFlowId()).filter(flow -> flow.tenant.equals(change.tenant()));
    boolean linking = change.from() == null;
    if (linking && locked.isEmpty()) {
      throw new InvalidRequestException(
          "parentFlowId", "flow " + change.parentFlowId() + " not found");
    }
    if (linking && locked.get().cancelRequestedAt != null) {
      throw new LedgerProblem(
          LedgerProblem.Kind.CONFLICT,
          "flow-cancelled",
          "Flow cancelled",
          "Flow %s was cancelled and takes no new tasks".formatted(change.parentFlowId()));
    }
    locked.ifPresent(this::rollUp);
  }

  /** Recomputes the flow's status from its tasks; the caller holds the flow's row lock. */
  void rollUp(FlowEntity flow) {
    Map<String, Long> counts = counts(flow.tenant, flow.flowId);
    FlowStatus status = statusOf(flow.status, flow.cancelRequestedAt != null, counts);
    UUID blockedTaskId = null;
    String blockedSummary = null;
    if (status == FlowStatus.BLOCKED) {
      Blocker blocker = blocker(flow);
      blockedTaskId = blocker.taskId();
      blockedSummary = blocker.summary();
    }
    boolean changed =
        status != flow.status
            || !Objects.equals(blockedTaskId, flow.blockedTaskId)
            || !Objects.equals(blockedSummary, flow.blockedSummary);
    if (!changed) {
      return;
    }
    Instant now = now(flow);
    flow.status = status;
    flow.blockedTaskId = blockedTaskId;
    flow.blockedSummary = blockedSummary;
    flow.updatedAt = now;
    flow.endedAt = status.isTerminal() ? now : null;
    flows.saveAndFlush(flow);
  }

  Instant now(FlowEntity flow) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return flow.updatedAt != null && now.isBefore(flow.updatedAt) ? flow.updatedAt : now;
  }

  Map<String, Long> counts(String tenant, UUID flowId) {
    Map<String, Long> counts = new HashMap<>();
    jdbc.sql(
            "select status, count(*) from tasks where tenant = :tenant and parent_flow_id = :flowId"
                + " group by status")
        .param("tenant", tenant)
        .param("flowId", flowId)
        .query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2)))
        .list();
    return counts;
  }

  /**
   * The roll-up rule: the status of a flow now in {@code current}, given how many of its tasks are
   * in each status ({@code counts}, by wire value).
   */
  static FlowStatus statusOf(
      FlowStatus current, boolean cancelRequested, Map<String, Long> counts) {
    long active =
        sum(counts, Arrays.stream(TaskStatus.values()).filter(s -> !s.isTerminal()).toList());
    if (cancelRequested) {
      return active == 0 ? FlowStatus.CANCELLED : current;
    }
    if (sum(counts, StatusSql.BLOCKING) > 0) {
      return FlowStatus.BLOCKED;
    }
    if (sum(counts, RUNNING) > 0) {
      return FlowStatus.RUNNING;
    }
    long settled = sum(counts, SUCCEEDED, CANCELLED, LOST);
    if (sum(counts, QUEUED) > 0) {
      return settled + sum(counts, PAUSED) > 0 ? FlowStatus.RUNNING : FlowStatus.QUEUED;
    }
    if (sum(counts, PAUSED) > 0) {
      return FlowStatus.WAITING;
    }
    if (settled == 0) {
      return FlowStatus.QUEUED;
    }
    if (sum(counts, LOST) > 0) {
      return FlowStatus.LOST;
    }
    return sum(counts, CANCELLED) > 0 ? FlowStatus.CANCELLED : FlowStatus.SUCCEEDED;
  }

  private record Blocker(UUID taskId, String summary) {}

  /**
   * The task blocking the flow: the one already recorded while it still blocks, else the newest.
   */
  private Blocker blocker(FlowEntity flow) {
    return jdbc.sql(
            """
            select task_id, status,
                   coalesce(error, status_reason, terminal_summary, status) as summary
            from tasks
            where tenant = :tenant and parent_flow_id = :flowId
              and status in %s
            order by (task_id = :current) desc, last_event_at desc
            limit 1
            """
                .formatted(StatusSql.BLOCKING_TASK))
        .param("tenant", flow.tenant)
        .param("flowId", flow.flowId)
        .param("current", flow.blockedTaskId == null ? new UUID(0, 0) : flow.blockedTaskId)
        .query(
            (rs, i) ->
                new Blocker(
                    rs.getObject("task_id", UUID.class),
                    rs.getString("status") + ": " + rs.getString("summary")))
        .single();
  }

  private static long sum(Map<String, Long> counts, TaskStatus... statuses) {
    return sum(counts, Arrays.asList(statuses));
  }

  private static long sum(Map<String, Long> counts, Collection<TaskStatus> statuses) {
    long total = 0;
    for (TaskStatus status : statuses) {
      total += counts.getOrDefault(status.wire(), 0L);
    }
    return total;
  }
}

package io.tasklane.ledger.flows;

import io.tasklane.contracts.FlowStatus;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.api.InvalidTransitionException;
import io.tasklane.ledger.api.LedgerProblem;
import io.tasklane.ledger.api.TaskNotFoundException;
import io.tasklane.ledger.tasks.Cancellations;
import io.tasklane.ledger.tasks.TaskFilter;
import io.tasklane.ledger.tasks.TaskLedger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Flows on behalf of a tenant: the parent records of orchestrated work. */
@Service
public class Flows {

  private static final TypeReference<Map<String, Object>> STATE = new TypeReference<>() {};

  private final FlowRepository flows;
  private final FlowRollup rollup;
  private final TaskLedger tasks;
  private final Cancellations cancellations;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final TransactionTemplate tx;
  private final LedgerProperties properties;

  Flows(
      FlowRepository flows,
      FlowRollup rollup,
      TaskLedger tasks,
      Cancellations cancellations,
      JdbcClient jdbc,
      JsonMapper json,
      TransactionTemplate tx,
      LedgerProperties properties) {
    this.flows = flows;
    this.rollup = rollup;
    this.tasks = tasks;
    this.cancellations = cancellations;
    this.jdbc = jdbc;
    this.json = json;
    this.tx = tx;
    this.properties = properties;
  }

  FlowView create(String tenant, FlowRequests.Create request) {
    return tx.execute(
        status -> {
          FlowEntity flow = new FlowEntity();
          flow.flowId = UUID.randomUUID();
          flow.tenant = tenant;
          flow.ownerKey = request.ownerKey();
          flow.goal = request.goal();
          flow.status = FlowStatus.QUEUED;
          flow.currentStep = request.currentStep() == null ? 0 : request.currentStep();
          flow.state =
              json.writeValueAsString(request.state() == null ? Map.of() : request.state());
          Instant now = rollup.now(flow);
          flow.createdAt = now;
          flow.updatedAt = now;
          return view(flows.saveAndFlush(flow));
        });
  }

  List<FlowView> list(String tenant, FlowStatus status, Integer limit) {
    int pageSize =
        Math.min(
            limit == null ? properties.paging().defaultLimit() : Math.max(1, limit),
            properties.paging().maxLimit());
    return tx.execute(
        s -> {
          List<UUID> ids =
              jdbc.sql(
                      "select flow_id from flows where tenant = :tenant"
                          + (status == null ? "" : " and status = :status")
                          + " order by created_at desc, flow_id desc limit :limit")
                  .param("tenant", tenant)
                  .param("status", status == null ? "" : status.wire())
                  .param("limit", pageSize)
                  .query(UUID.class)
                  .list();
          return flows.findAllById(ids).stream()
              .sorted(
                  java.util.Comparator.comparing((FlowEntity f) -> f.createdAt)
                      .thenComparing(f -> f.flowId)
                      .reversed())
              .map(this::view)
              .toList();
        });
  }

  FlowDetail detail(String tenant, UUID flowId) {
    FlowView flow = tx.execute(status -> view(load(tenant, flowId)));
    var linked =
        tasks.list(
            tenant,
            new TaskFilter(null, null, flowId, null, null),
            null,
            properties.paging().maxLimit());
    Map<String, Long> byStatus = new TreeMap<>(rollup.counts(tenant, flowId));
    long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
    return new FlowDetail(flow, linked.items(), new FlowDetail.TaskCounts(total, byStatus));
  }

  FlowView update(String tenant, UUID flowId, Long expectedRevision, FlowRequests.Update change) {
    return tx.execute(
        status -> {
          FlowEntity flow = load(tenant, flowId);
          if (flow.cancelRequestedAt != null) {
            throw new LedgerProblem(
                LedgerProblem.Kind.CONFLICT,
                "flow-cancelled",
                "Flow cancelled",
                "Flow %s was cancelled and takes no changes".formatted(flowId),
                Map.of("currentStatus", flow.status.wire()));
          }
          requireRevision(flow, expectedRevision, true);
          if (change.currentStep() != null) {
            flow.currentStep = change.currentStep();
          }
          if (change.state() != null) {
            flow.state = json.writeValueAsString(change.state());
          }
          flow.updatedAt = rollup.now(flow);
          return view(flows.saveAndFlush(flow));
        });
  }

  /**
   * Cancel is sticky: the flow takes no new tasks from now on, its active tasks are cancelled, and
   * it becomes cancelled once none is active.
   */
  FlowView cancel(String tenant, UUID flowId, Long expectedRevision, String reason) {
    tx.executeWithoutResult(
        status -> {
          FlowEntity flow =
              flows
                  .lock(flowId)
                  .filter(f -> f.tenant.equals(tenant))
                  .orElseThrow(() -> flowNotFound(flowId));
          requireRevision(flow, expectedRevision, false);
          if (flow.cancelRequestedAt != null) {
            return;
          }
          if (flow.status.isTerminal()) {
            throw new LedgerProblem(
                LedgerProblem.Kind.CONFLICT,
                "flow-ended",
                "Flow ended",
                "Flow %s is %s and cannot be cancelled".formatted(flowId, flow.status.wire()),
                Map.of("currentStatus", flow.status.wire()));
          }
          flow.cancelRequestedAt = rollup.now(flow);
          flow.updatedAt = flow.cancelRequestedAt;
          flows.saveAndFlush(flow);
          rollup.rollUp(flow);
        });
    cancelActiveTasks(tenant, flowId, reason == null ? "flow " + flowId + " cancelled" : reason);
    return tx.execute(status -> view(load(tenant, flowId)));
  }

  /** Cancels what is still active under a cancelled flow again, then rolls the flow up. */
  public void finishCancel(UUID flowId) {
    FlowEntity flow = flows.findById(flowId).orElse(null);
    if (flow == null || flow.cancelRequestedAt == null) {
      return;
    }
    cancelActiveTasks(flow.tenant, flowId, "flow " + flowId + " cancelled");
    rollUp(flowId);
  }

  /** Recomputes a flow's status from the tasks it has now. */
  public void rollUp(UUID flowId) {
    tx.executeWithoutResult(status -> flows.lock(flowId).ifPresent(rollup::rollUp));
  }

  private void cancelActiveTasks(String tenant, UUID flowId, String reason) {
    List<UUID> active =
        jdbc.sql(
                "select task_id from tasks where parent_flow_id = :flowId and tenant = :tenant"
                    + " and status in (:active) order by created_at")
            .param("flowId", flowId)
            .param("tenant", tenant)
            .param("active", Cancellations.ACTIVE)
            .query(UUID.class)
            .list();
    for (UUID taskId : active) {
      try {
        cancellations.cancel(tenant, taskId, reason);
      } catch (InvalidTransitionException | TaskNotFoundException settled) {
        // It ended on its own meanwhile: the roll-up of that change already counted it.
      }
    }
  }

  private void requireRevision(FlowEntity flow, Long expected, boolean required) {
    if (expected == null) {
      if (required) {
        throw new LedgerProblem(
            LedgerProblem.Kind.PRECONDITION_REQUIRED,
            "revision-required",
            "Revision required",
            "Send the flow's revision in If-Match or expectedRevision",
            Map.of("currentRevision", flow.revision));
      }
      return;
    }
    if (expected != flow.revision) {
      throw new LedgerProblem(
          LedgerProblem.Kind.PRECONDITION_FAILED,
          "revision-mismatch",
          "Revision mismatch",
          "Flow %s is at revision %d, not %d".formatted(flow.flowId, flow.revision, expected),
          Map.of("currentRevision", flow.revision));
    }
  }

  private FlowEntity load(String tenant, UUID flowId) {
    return flows.findByFlowIdAndTenant(flowId, tenant).orElseThrow(() -> flowNotFound(flowId));
  }

  private static LedgerProblem flowNotFound(UUID flowId) {
    return new LedgerProblem(
        LedgerProblem.Kind.NOT_FOUND, "flow-not-found", "Flow not found", "No flow " + flowId);
  }

  private FlowView view(FlowEntity flow) {
    return new FlowView(
        flow.flowId,
        flow.ownerKey,
        flow.goal,
        flow.status,
        flow.revision,
        flow.currentStep,
        flow.blockedTaskId,
        flow.blockedSummary,
        flow.state == null ? Map.of() : json.readValue(flow.state, STATE),
        flow.cancelRequestedAt,
        flow.createdAt,
        flow.updatedAt,
        flow.endedAt);
  }
}

package io.tasklane.ledger.fairness;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import io.tasklane.ledger.api.ClaimHeldException;
import io.tasklane.ledger.budgets.DailyBudgets;
import io.tasklane.ledger.events.Outbox;
import io.tasklane.ledger.tasks.ClaimAdmission;
import io.tasklane.ledger.tasks.TaskStatusChanged;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides whether a tenant may start another task now: not while it has {@code max-running} runner
 * tasks running, nor while its tokens for the day are used up. A refused claim leaves the task
 * queued and held; when one of the tenant's running tasks leaves {@code running}, its oldest held
 * tasks are dispatched again, as many as it has room for, so other tenants' queued tasks start
 * first meanwhile and no held task waits for the maintenance pass's redispatch.
 *
 * <p>The count and the claim happen under one advisory lock per tenant, taken by claims, holds and
 * releases alike: a release either sees the hold, or the hold sees the room the release made.
 */
@Component
class ClaimGate implements ClaimAdmission {

  static final String MAX_RUNNING = "max_running";
  private static final Logger log = LoggerFactory.getLogger(ClaimGate.class);

  private final FairnessSettings settings;
  private final DailyBudgets budgets;
  private final JdbcClient jdbc;
  private final Outbox outbox;
  private final TransactionTemplate newTx;
  private final Clock clock;
  private final MeterRegistry meters;

  ClaimGate(
      FairnessSettings settings,
      DailyBudgets budgets,
      JdbcClient jdbc,
      Outbox outbox,
      PlatformTransactionManager transactions,
      Clock clock,
      MeterRegistry meters) {
    this.settings = settings;
    this.budgets = budgets;
    this.jdbc = jdbc;
    this.outbox = outbox;
    this.newTx = new TransactionTemplate(transactions);
    this.newTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  public boolean mayHold() {
    return settings.anyLimit() || budgets.mayHoldClaims();
  }

  @Override
  public void admit(String tenant, UUID taskId) {
    String limit = heldBecause(tenant);
    if (limit != null) {
      throw new ClaimHeldException(tenant, limit, detail(tenant, limit));
    }
    if (settings.maxRunning(tenant) != null || budgets.countsTokens(tenant)) {
      jdbc.sql("delete from held_claims where task_id = :taskId").param("taskId", taskId).update();
    }
  }

  /** Dispatches the task again at once instead when its tenant got room in the meantime. */
  @Override
  public ClaimHeldException held(ClaimHeldException refused, UUID taskId) {
    newTx.executeWithoutResult(
        status -> {
          String limit = heldBecause(refused.tenant());
          if (limit == null) {
            redispatch(taskId);
            return;
          }
          Instant at = now();
          jdbc.sql(
                  """
                  insert into held_claims (task_id, tenant, held_at, reason)
                  values (:taskId, :tenant, :at, :reason)
                  on conflict (task_id) do update set reason = excluded.reason
                  """)
              .param("taskId", taskId)
              .param("tenant", refused.tenant())
              .param("at", Timestamp.from(at))
              .param("reason", limit)
              .update();
          // the maintenance pass offers it again only after redispatch-after from now
          jdbc.sql(
                  """
                  update tasks set last_dispatched_at = :at, status_reason = :reason
                   where task_id = :taskId and status = 'queued'
                  """)
              .param("at", Timestamp.from(at))
              .param("reason", "waiting: " + detail(refused.tenant(), limit))
              .param("taskId", taskId)
              .update();
        });
    Counter.builder("tasklane.tenants.claims.held")
        .description("Claims refused for now because the task's tenant was at a limit")
        .tags("tenant", refused.tenant(), "limit", refused.limit())
        .register(meters)
        .increment();
    return refused;
  }

  @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
  void onTaskChanged(TaskStatusChanged change) {
    if (change.from() != TaskStatus.RUNNING || settings.maxRunning(change.tenant()) == null) {
      return;
    }
    try {
      release(change.tenant());
    } catch (RuntimeException e) {
      // the maintenance pass's redispatch still offers the held tasks again
      log.warn("Held tasks of tenant {} not released now: {}", change.tenant(), e.toString());
    }
  }

  /** Dispatches the tenant's oldest held tasks again, as many as it has room to run. */
  void release(String tenant) {
    newTx.executeWithoutResult(
        status -> {
          Integer max = settings.maxRunning(tenant);
          lock(tenant);
          if (budgets.claimHeldBecause(tenant) != null) {
            return;
          }
          int room = max - running(tenant);
          if (room <= 0) {
            return;
          }
          List<UUID> oldest =
              jdbc.sql(
                      """
                      select h.task_id from held_claims h join tasks t on t.task_id = h.task_id
                       where h.tenant = :tenant and t.status = 'queued'
                       order by t.created_at, t.task_id limit :room
                      """)
                  .param("tenant", tenant)
                  .param("room", room)
                  .query(UUID.class)
                  .list();
          oldest.forEach(this::redispatch);
        });
  }

  /** Why the tenant may not start a task now, or null; takes the tenant's lock when it has one. */
  private String heldBecause(String tenant) {
    Integer max = settings.maxRunning(tenant);
    if (max != null) {
      lock(tenant);
      if (running(tenant) >= max) {
        return MAX_RUNNING;
      }
    }
    return budgets.claimHeldBecause(tenant);
  }

  private void redispatch(UUID taskId) {
    jdbc.sql("delete from held_claims where task_id = :taskId").param("taskId", taskId).update();
    Instant at = now();
    jdbc.sql(
            """
            update tasks set last_dispatched_at = :at
             where task_id = :taskId and status = 'queued' and executor = 'runner'
            returning tenant, attempt, trace_parent
            """)
        .param("at", Timestamp.from(at))
        .param("taskId", taskId)
        .query(
            (rs, i) ->
                outbox.message(
                    Topics.TASK_DISPATCH,
                    taskId,
                    rs.getString("tenant"),
                    new TaskDispatch(
                        UUID.randomUUID(),
                        taskId,
                        rs.getString("tenant"),
                        rs.getInt("attempt"),
                        TaskDispatch.Reason.REDISPATCH,
                        at),
                    at,
                    rs.getString("trace_parent")))
        .optional()
        .ifPresent(outbox::add);
  }

  private void lock(String tenant) {
    jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
        .param("key", "tasklane.tenant:" + tenant)
        .query()
        .singleRow();
  }

  private int running(String tenant) {
    return jdbc.sql(
            """
            select count(*) from tasks
             where tenant = :tenant and status = 'running' and executor = 'runner'
            """)
        .param("tenant", tenant)
        .query(Integer.class)
        .single();
  }

  private String detail(String tenant, String limit) {
    return MAX_RUNNING.equals(limit)
        ? "tenant %s is at its limit of %d running tasks"
            .formatted(tenant, settings.maxRunning(tenant))
        : "tenant %s has used up its tokens for today".formatted(tenant);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}

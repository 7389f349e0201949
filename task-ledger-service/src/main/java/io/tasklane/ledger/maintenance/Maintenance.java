package io.tasklane.ledger.maintenance;

import static io.tasklane.ledger.StatusSql.literal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.AuditCode;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.FlowStatus;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.StatusSql;
import io.tasklane.ledger.audit.Audit;
import io.tasklane.ledger.audit.AuditReport;
import io.tasklane.ledger.events.DispatchPipeline;
import io.tasklane.ledger.flows.Flows;
import io.tasklane.ledger.maintenance.MaintenanceReport.Action;
import io.tasklane.ledger.maintenance.MaintenanceReport.Explanation;
import io.tasklane.ledger.recovery.LeaseExpiry;
import io.tasklane.ledger.runners.ReportLag;
import io.tasklane.ledger.tasks.TaskRecovery;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * One decision path for preview, apply and the schedule: {@link #plan} decides from the records
 * what to do; preview reports the plan, apply carries it out, each step re-checking its task or
 * flow so a plan made from an older read never undoes newer work.
 */
@Service
public class Maintenance {

  private static final int LISTED_ACTIONS = 200;
  private static final String PRUNABLE =
      """
      t.status in %s and t.cleanup_after < :now and t.delivery_status <> %s
      and not exists (select 1 from flows f where f.flow_id = t.parent_flow_id
                      and (f.status in %s or f.blocked_task_id = t.task_id))
      """
          .formatted(StatusSql.TERMINAL_TASK, literal(DeliveryStatus.PENDING), StatusSql.OPEN_FLOW);

  private final JdbcClient jdbc;
  private final TaskRecovery recovery;
  private final LeaseExpiry leaseExpiry;
  private final ReportLag reportLag;
  private final Flows flows;
  private final Audit audit;
  private final LedgerProperties properties;
  private final MeterRegistry meters;
  private final Clock clock;
  private final DispatchPipeline dispatchPipeline;
  private final BrokerWatch brokerWatch;

  Maintenance(
      JdbcClient jdbc,
      TaskRecovery recovery,
      LeaseExpiry leaseExpiry,
      ReportLag reportLag,
      Flows flows,
      Audit audit,
      LedgerProperties properties,
      MeterRegistry meters,
      Clock clock,
      DispatchPipeline dispatchPipeline,
      BrokerWatch brokerWatch) {
    this.jdbc = jdbc;
    this.recovery = recovery;
    this.leaseExpiry = leaseExpiry;
    this.reportLag = reportLag;
    this.flows = flows;
    this.audit = audit;
    this.properties = properties;
    this.meters = meters;
    this.clock = clock;
    this.dispatchPipeline = dispatchPipeline;
    this.brokerWatch = brokerWatch;
  }

  enum Kind {
    RECOVER,
    MARK_LOST,
    REDISPATCH,
    FINISH_FLOW_CANCEL,
    ROLL_UP_FLOW,
    STAMP_CLEANUP,
    PRUNE
  }

  record Decision(Kind kind, UUID taskId, UUID flowId, String detail) {}

  /** How many tasks and flows a pass changed (apply) or would change (preview), by what it did. */
  record Counts(int reconciled, int recovered, int cleanupStamped, int pruned) {}

  record Plan(Instant now, List<Decision> decisions) {

    int count(Kind... kinds) {
      List<Kind> wanted = List.of(kinds);
      return (int) decisions.stream().filter(d -> wanted.contains(d.kind())).count();
    }
  }

  /** Runs a pass over one tenant, or over every tenant when {@code tenant} is null. */
  public MaintenanceReport run(String tenant, boolean apply) {
    int limit = properties.audit().defaultLimit();
    AuditReport before = audit.run(tenant, null, null, limit);
    Plan plan = plan(tenant);
    if (!apply) {
      return report(MaintenanceReport.Mode.preview, plan, counts(plan), before, before);
    }
    Counts done = carryOut(plan);
    AuditReport after = audit.run(tenant, null, null, limit);
    return report(MaintenanceReport.Mode.apply, plan, done, before, after);
  }

  Plan plan(String tenant) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    var recoverySettings = properties.recovery();
    int batch = properties.maintenance().batchSize();
    String scope = tenant == null ? "" : " and t.tenant = :tenant";
    List<Decision> decisions = new ArrayList<>();

    decisions.addAll(leaseDecisions(tenant, now));

    List<Decision> redispatches =
        query(
                """
            select t.task_id, t.attempt from tasks t
            where t.status = %s and t.executor = %s
              and greatest(t.last_event_at, coalesce(t.last_dispatched_at, t.last_event_at))
                  < :cutoff%s
            order by t.last_event_at limit :batch
            """
                    .formatted(literal(TaskStatus.QUEUED), literal(Executor.RUNNER), scope),
                tenant,
                now.minus(recoverySettings.redispatchAfter()),
                recoverySettings.batchSize())
            .query(
                (rs, i) ->
                    new Decision(
                        Kind.REDISPATCH,
                        rs.getObject("task_id", UUID.class),
                        null,
                        "not claimed; dispatch attempt %d again".formatted(rs.getInt("attempt"))))
            .list();
    // a dispatch still on its way to a runner (waiting behind others) is not sent again
    Set<UUID> onTheirWay =
        dispatchPipeline.onTheirWay(redispatches.stream().map(Decision::taskId).toList());
    redispatches.stream().filter(d -> !onTheirWay.contains(d.taskId())).forEach(decisions::add);

    String flowScope = tenant == null ? "" : " and f.tenant = :tenant";
    query(
            """
            select f.flow_id from flows f
            where f.cancel_requested_at is not null and f.status <> %s
              and f.cancel_requested_at < :cutoff%s
            order by f.cancel_requested_at limit :batch
            """
                .formatted(literal(FlowStatus.CANCELLED), flowScope),
            tenant,
            now.minus(properties.audit().cancelStuck()),
            batch)
        .query(
            (rs, i) ->
                new Decision(
                    Kind.FINISH_FLOW_CANCEL,
                    null,
                    rs.getObject("flow_id", UUID.class),
                    "cancel its active tasks again and finalise"))
        .list()
        .forEach(decisions::add);

    query(
            """
            select f.flow_id from flows f
            where f.status = %s and f.cancel_requested_at is null
              and (f.blocked_task_id is null or not exists (select 1 from tasks t
                   where t.task_id = f.blocked_task_id and t.parent_flow_id = f.flow_id
                     and t.status in %s))%s
            order by f.updated_at limit :batch
            """
                .formatted(literal(FlowStatus.BLOCKED), StatusSql.BLOCKING_TASK, flowScope),
            tenant,
            now,
            batch)
        .query(
            (rs, i) ->
                new Decision(
                    Kind.ROLL_UP_FLOW,
                    null,
                    rs.getObject("flow_id", UUID.class),
                    "its blocking task is gone; roll its status up again"))
        .list()
        .forEach(decisions::add);

    query(
            """
            select t.task_id, t.status, t.ended_at from tasks t
            where t.cleanup_after is null and t.ended_at is not null%s
            order by t.ended_at limit :batch
            """
                .formatted(scope),
            tenant,
            now,
            batch)
        .query(
            (rs, i) -> {
              String status = rs.getString("status");
              Instant cleanupAfter =
                  rs.getTimestamp("ended_at").toInstant().plus(retention(status));
              return new Decision(
                  Kind.STAMP_CLEANUP,
                  rs.getObject("task_id", UUID.class),
                  null,
                  "%s; cleanupAfter %s".formatted(status, cleanupAfter));
            })
        .list()
        .forEach(decisions::add);

    query(
            """
            select t.task_id, t.status, t.cleanup_after from tasks t
            where %s%s
            order by t.cleanup_after limit :batch
            """
                .formatted(PRUNABLE, scope),
            tenant,
            now,
            batch)
        .query(
            (rs, i) ->
                new Decision(
                    Kind.PRUNE,
                    rs.getObject("task_id", UUID.class),
                    null,
                    "%s; cleanupAfter %s passed"
                        .formatted(
                            rs.getString("status"), rs.getTimestamp("cleanup_after").toInstant())))
        .list()
        .forEach(decisions::add);
    return new Plan(now, decisions);
  }

  /**
   * The running tasks whose lease expired more than the grace ago, and what {@link LeaseExpiry}
   * says to do with each.
   */
  private List<Decision> leaseDecisions(String tenant, Instant now) {
    var recoverySettings = properties.recovery();
    String scope = tenant == null ? "" : " and t.tenant = :tenant";
    if (!brokerWatch.leasesJudgeable()) {
      // runners heartbeat through Kafka: while it is away their silence says nothing
      scope += " and t.executor = 'external'";
    }
    return query(
            """
            select t.task_id, t.executor, t.recoveries, t.lease_expires_at from tasks t
            where t.status = %s and t.lease_expires_at < :cutoff%s
            order by t.lease_expires_at limit :batch
            """
                .formatted(literal(TaskStatus.RUNNING), scope),
            tenant,
            leaseCutoff(now),
            recoverySettings.batchSize())
        .query(
            (rs, i) -> {
              LeaseExpiry.Verdict verdict =
                  leaseExpiry.preview(
                      Executor.fromWire(rs.getString("executor")),
                      rs.getInt("recoveries"),
                      rs.getTimestamp("lease_expires_at").toInstant());
              return new Decision(
                  verdict.recover() ? Kind.RECOVER : Kind.MARK_LOST,
                  rs.getObject("task_id", UUID.class),
                  null,
                  verdict.detail());
            })
        .list();
  }

  /**
   * Leases that ended before this are expired: the grace, plus however far behind the runners'
   * reports this ledger is (by the reports' own time, or by the consumers' position in the topic,
   * whichever is further), so a heartbeat not read yet is never taken for a missing one.
   */
  private Instant leaseCutoff(Instant now) {
    Duration behind = reportLag.lag();
    Duration backlog = brokerWatch.reportBacklog();
    return now.minus(properties.recovery().grace())
        .minus(backlog.compareTo(behind) > 0 ? backlog : behind);
  }

  /**
   * Only the lease part of maintenance: recovers or marks lost the running tasks whose runner
   * stopped heartbeating. It runs far more often than a whole pass (see {@code
   * tasklane.ledger.recovery.interval}), so a dead runner's tasks run again within seconds.
   */
  public int reconcileLeases() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<Decision> decisions = leaseDecisions(null, now);
    if (decisions.isEmpty()) {
      return 0;
    }
    return (int)
        reconcileTasks(new Plan(now, decisions)).stream()
            .filter(outcome -> outcome != TaskRecovery.Outcome.UNCHANGED)
            .count();
  }

  /** Carries out a plan. */
  private Counts carryOut(Plan plan) {
    int reconciled = 0;
    int recovered = 0;
    List<UUID> stamp = new ArrayList<>();
    List<UUID> prune = new ArrayList<>();
    for (TaskRecovery.Outcome outcome : reconcileTasks(plan)) {
      switch (outcome) {
        case RECOVERED -> recovered++;
        case LOST, REDISPATCHED -> reconciled++;
        case UNCHANGED -> {}
      }
    }
    for (Decision decision : plan.decisions()) {
      switch (decision.kind()) {
        case FINISH_FLOW_CANCEL -> {
          flows.finishCancel(decision.flowId());
          reconciled++;
        }
        case ROLL_UP_FLOW -> {
          flows.rollUp(decision.flowId());
          reconciled++;
        }
        case STAMP_CLEANUP -> stamp.add(decision.taskId());
        case PRUNE -> prune.add(decision.taskId());
        case RECOVER, MARK_LOST, REDISPATCH -> {}
      }
    }
    int stamped = stamp(stamp);
    int pruned = prune(prune, plan.now());
    return new Counts(reconciled, recovered, stamped, pruned);
  }

  /**
   * Recovers, marks lost or dispatches again each task the plan names, each in its own transaction.
   * Those transactions spend their time waiting for commits, so a few run at once. Work not started
   * within the pass budget is left for the next pass, which finds the same tasks again: a pass
   * stays short however large the backlog.
   */
  private List<TaskRecovery.Outcome> reconcileTasks(Plan plan) {
    Instant leaseCutoff = leaseCutoff(plan.now());
    Instant redispatchCutoff = plan.now().minus(properties.recovery().redispatchAfter());
    long deadline = System.nanoTime() + properties.recovery().passBudget().toNanos();
    Semaphore permits = new Semaphore(properties.recovery().parallelism());
    List<Future<TaskRecovery.Outcome>> outcomes = new ArrayList<>();
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Decision decision : plan.decisions()) {
        Callable<TaskRecovery.Outcome> work =
            switch (decision.kind()) {
              case RECOVER, MARK_LOST -> () -> leaseExpiry.apply(decision.taskId(), leaseCutoff);
              case REDISPATCH -> () -> recovery.redispatch(decision.taskId(), redispatchCutoff);
              default -> null;
            };
        if (work != null) {
          outcomes.add(
              workers.submit(
                  () -> {
                    permits.acquire();
                    try {
                      if (System.nanoTime() > deadline) {
                        return TaskRecovery.Outcome.UNCHANGED;
                      }
                      return work.call();
                    } finally {
                      permits.release();
                    }
                  }));
        }
      }
    }
    List<TaskRecovery.Outcome> done = new ArrayList<>(outcomes.size());
    for (Future<TaskRecovery.Outcome> outcome : outcomes) {
      try {
        done.add(outcome.get());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException runtime
            ? runtime
            : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while reconciling tasks", e);
      }
    }
    return done;
  }

  private int stamp(List<UUID> ids) {
    if (ids.isEmpty()) {
      return 0;
    }
    int stamped =
        jdbc.sql(
                """
                update tasks set cleanup_after = ended_at + case when status = %s
                    then make_interval(secs => :lost) else make_interval(secs => :terminal) end
                where task_id = any(:ids) and cleanup_after is null and ended_at is not null
                """
                    .formatted(literal(TaskStatus.LOST)))
            .param("lost", (double) properties.maintenance().lostRetention().toSeconds())
            .param("terminal", (double) properties.maintenance().terminalRetention().toSeconds())
            .param("ids", ids.toArray(UUID[]::new))
            .update();
    Counter.builder("tasklane.maintenance.cleanup.stamped")
        .description("Ended tasks given a cleanupAfter time")
        .register(meters)
        .increment(stamped);
    return stamped;
  }

  private int prune(List<UUID> ids, Instant now) {
    if (ids.isEmpty()) {
      return 0;
    }
    List<UUID> pruned =
        jdbc.sql(
                "delete from tasks t where t.task_id = any(:ids) and "
                    + PRUNABLE
                    + " returning t.task_id")
            .param("ids", ids.toArray(UUID[]::new))
            .param("now", Timestamp.from(now))
            .query(UUID.class)
            .list();
    if (!pruned.isEmpty()) {
      jdbc.sql("delete from idempotency_keys where task_id = any(:ids)")
          .param("ids", pruned.toArray(UUID[]::new))
          .update();
    }
    Counter.builder("tasklane.maintenance.pruned")
        .description("Task records pruned after their cleanupAfter time")
        .register(meters)
        .increment(pruned.size());
    return pruned.size();
  }

  private Duration retention(String status) {
    return status.equals(TaskStatus.LOST.wire())
        ? properties.maintenance().lostRetention()
        : properties.maintenance().terminalRetention();
  }

  private JdbcClient.StatementSpec query(String sql, String tenant, Instant cutoff, int batch) {
    return jdbc.sql(sql)
        .param("tenant", tenant == null ? "" : tenant)
        .param("cutoff", Timestamp.from(cutoff))
        .param("now", Timestamp.from(cutoff))
        .param("batch", batch);
  }

  private static Counts counts(Plan plan) {
    return new Counts(
        plan.count(Kind.MARK_LOST, Kind.REDISPATCH, Kind.FINISH_FLOW_CANCEL, Kind.ROLL_UP_FLOW),
        plan.count(Kind.RECOVER),
        plan.count(Kind.STAMP_CLEANUP),
        plan.count(Kind.PRUNE));
  }

  private MaintenanceReport report(
      MaintenanceReport.Mode mode,
      Plan plan,
      Counts counts,
      AuditReport before,
      AuditReport after) {
    List<Action> actions =
        plan.decisions().stream()
            .limit(LISTED_ACTIONS)
            .map(
                d ->
                    new Action(
                        d.kind().name().toLowerCase(java.util.Locale.ROOT),
                        d.taskId(),
                        d.flowId(),
                        d.detail()))
            .toList();
    List<Explanation> explanations =
        before.summary().byCode().entrySet().stream()
            .map(
                e ->
                    explain(
                        AuditCode.fromWire(e.getKey()),
                        e.getValue(),
                        properties.recovery(),
                        properties.maintenance()))
            .toList();
    return new MaintenanceReport(
        mode,
        plan.now(),
        counts.reconciled(),
        counts.recovered(),
        counts.cleanupStamped(),
        counts.pruned(),
        actions,
        explanations,
        before,
        after);
  }

  /** Whether maintenance fixes what {@code code} reports, and how, or what an operator can do. */
  static Explanation explain(
      AuditCode code,
      long findings,
      LedgerProperties.Recovery recovery,
      LedgerProperties.Maintenance retention) {
    Map.Entry<Boolean, String> how =
        switch (code) {
          case STALE_QUEUED ->
              Map.entry(
                  true,
                  "runner tasks nobody claimed for %s are dispatched again (same attempt);"
                          .formatted(recovery.redispatchAfter())
                      + " external tasks wait for their executor to report started: cancel them"
                      + " if it never will");
          case STALE_RUNNING ->
              Map.entry(
                  true,
                  ("a task whose lease expired more than %s ago is queued again with attempt + 1"
                          + " (runner tasks, up to %d recoveries) or marked lost; a task that still"
                          + " holds a valid lease is left to its executor until the lease ends; a"
                          + " running flow follows its tasks")
                      .formatted(recovery.grace(), recovery.maxRecoveries()));
          case LOST ->
              Map.entry(
                  false,
                  ("kept for inspection until cleanupAfter (lost + %s), then pruned; retry runs"
                          + " it again")
                      .formatted(retention.lostRetention()));
          case DELIVERY_FAILED ->
              Map.entry(
                  false,
                  "the notifier gave up on this notification; the task's own outcome stands and"
                      + " the record is kept until cleanupAfter so the failure can be inspected");
          case DELIVERY_PENDING ->
              Map.entry(
                  false,
                  "the notifier has not reported on this task's outcome: check that it runs and"
                      + " consumes lifecycle events; the record is kept until a report arrives");
          case MISSING_CLEANUP ->
              Map.entry(
                  true,
                  "stamped with cleanupAfter: ended + %s, lost + %s"
                      .formatted(retention.terminalRetention(), retention.lostRetention()));
          case INCONSISTENT_TIMESTAMPS ->
              Map.entry(
                  false,
                  "timestamps are evidence of what happened, so maintenance never rewrites them;"
                      + " read the task's journal for the real order of events");
          case STALE_WAITING -> Map.entry(false, "a linked task is paused: resume or cancel it");
          case STALE_BLOCKED ->
              Map.entry(
                  false,
                  "waits for an operator to retry or resume the blocking task, or to cancel the"
                      + " flow");
          case CANCEL_STUCK ->
              Map.entry(true, "its active tasks are cancelled again and the flow finalised");
          case MISSING_LINKED_TASKS ->
              Map.entry(
                  false, "no task links to this flow: link one with parentFlowId, or cancel it");
          case BLOCKED_TASK_MISSING ->
              Map.entry(true, "the flow's status is rolled up again from the tasks it has");
          case UNVERIFIED_SUCCESS_REFUSED -> Map.entry(false, "no maintenance applies");
        };
    return new Explanation(code.wire(), findings, how.getKey(), how.getValue());
  }
}

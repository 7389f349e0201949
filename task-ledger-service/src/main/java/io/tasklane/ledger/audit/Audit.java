package io.tasklane.ledger.audit;

import static io.tasklane.contracts.AuditCode.BLOCKED_TASK_MISSING;
import static io.tasklane.contracts.AuditCode.CANCEL_STUCK;
import static io.tasklane.contracts.AuditCode.DELIVERY_FAILED;
import static io.tasklane.contracts.AuditCode.DELIVERY_PENDING;
import static io.tasklane.contracts.AuditCode.INCONSISTENT_TIMESTAMPS;
import static io.tasklane.contracts.AuditCode.LOST;
import static io.tasklane.contracts.AuditCode.MISSING_CLEANUP;
import static io.tasklane.contracts.AuditCode.MISSING_LINKED_TASKS;
import static io.tasklane.contracts.AuditCode.STALE_BLOCKED;
import static io.tasklane.contracts.AuditCode.STALE_QUEUED;
import static io.tasklane.contracts.AuditCode.STALE_RUNNING;
import static io.tasklane.contracts.AuditCode.STALE_WAITING;
import static io.tasklane.contracts.AuditCode.UNVERIFIED_SUCCESS_REFUSED;
import static io.tasklane.ledger.StatusSql.literal;

import io.tasklane.contracts.AuditCode;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.FlowStatus;
import io.tasklane.contracts.Severity;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.WireEnum;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.StatusSql;
import io.tasklane.ledger.tasks.RunnerSide;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Looks for task and flow records an operator should know about. Each check is one indexed query
 * that returns its oldest rows and, through a window count, how many there are in all.
 */
@Service
public class Audit {

  /** The task and flow codes, in the order checks run. */
  public static final List<String> CODES = WireEnum.allowedValues(AuditCode.class);

  /** The predicate of the partial index {@code tasks_inconsistent_timestamps}, word for word. */
  static final String INCONSISTENT_TIMESTAMPS_PREDICATE =
      """
      (started_at < created_at
       or last_event_at < coalesce(started_at, created_at)
       or ended_at < coalesce(started_at, created_at)
       or (ended_at is null and status in %s)
       or (ended_at is not null and status in %s))
      """
          .formatted(StatusSql.TERMINAL_TASK, StatusSql.ACTIVE_TASK);

  private final JdbcClient jdbc;
  private final LedgerProperties.Audit settings;
  private final Clock clock;
  private final List<Check> checks;

  Audit(JdbcClient jdbc, LedgerProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.settings = properties.audit();
    this.clock = clock;
    this.checks = checks();
  }

  /** Audits one tenant, or every tenant when {@code tenant} is null. */
  public AuditReport run(String tenant, Severity severity, String code, int limit) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<Finding> findings = new ArrayList<>();
    Map<String, Long> byCode = new TreeMap<>();
    Map<String, Long> bySeverity = new LinkedHashMap<>();
    for (Check check : checks) {
      if ((severity != null && check.severity() != severity)
          || (code != null && !check.code().wire().equals(code))) {
        continue;
      }
      long[] total = {0};
      List<Finding> found =
          jdbc.sql(check.sql(tenant))
              .param("tenant", tenant == null ? "" : tenant)
              .param("cutoff", Timestamp.from(now.minus(check.threshold())))
              .param("limit", limit)
              .query(
                  (rs, i) -> {
                    total[0] = rs.getLong("total");
                    return finding(check, rs, now);
                  })
              .list();
      if (total[0] > 0) {
        byCode.merge(check.code().wire(), total[0], Long::sum);
        bySeverity.merge(check.severity().wire(), total[0], Long::sum);
        findings.addAll(found);
      }
    }
    List<Finding> listed =
        findings.stream()
            .sorted(
                Comparator.comparing(Finding::severity).reversed().thenComparing(Finding::since))
            .limit(limit)
            .toList();
    long total = byCode.values().stream().mapToLong(Long::longValue).sum();
    return new AuditReport(now, listed, new AuditReport.Summary(total, byCode, bySeverity));
  }

  private static Finding finding(Check check, ResultSet rs, Instant now) throws SQLException {
    Instant since = rs.getTimestamp("since").toInstant();
    return new Finding(
        check.code().wire(),
        check.severity(),
        check.kind(),
        rs.getObject("task_id", UUID.class),
        rs.getObject("flow_id", UUID.class),
        since,
        Math.max(0, Duration.between(since, now).toSeconds()),
        check.detail().apply(rs));
  }

  private record Check(
      AuditCode code,
      Severity severity,
      String kind,
      Duration threshold,
      String from,
      String where,
      String since,
      Function<ResultSet, String> detail) {

    String sql(String tenant) {
      String alias = kind.equals("task") ? "t" : "f";
      return """
          select %s, %s as since, count(*) over () as total from %s
          where %s%s
          order by since limit :limit
          """
          .formatted(
              kind.equals("task")
                  ? "t.*, t.parent_flow_id as flow_id"
                  : "f.*, f.blocked_task_id as task_id",
              since,
              from,
              where,
              tenant == null ? "" : " and " + alias + ".tenant = :tenant");
    }
  }

  private List<Check> checks() {
    Duration none = Duration.ZERO;
    return List.of(
        task(
            STALE_QUEUED,
            Severity.WARN,
            settings.staleQueued(),
            "t.status = " + literal(TaskStatus.QUEUED) + " and t.last_event_at < :cutoff",
            "t.last_event_at",
            rs ->
                rs.getString("executor").equals(Executor.EXTERNAL.wire())
                    ? "queued at attempt %d; the external executor never reported started"
                        .formatted(rs.getInt("attempt"))
                    : "queued at attempt %d and not claimed by any runner"
                        .formatted(rs.getInt("attempt"))),
        task(
            STALE_RUNNING,
            Severity.ERROR,
            settings.staleRunning(),
            "t.status = " + literal(TaskStatus.RUNNING) + " and t.last_event_at < :cutoff",
            "t.last_event_at",
            rs ->
                "running at attempt %d (%s) with no event since; lease until %s"
                    .formatted(
                        rs.getInt("attempt"),
                        rs.getString("runner_id") == null
                            ? rs.getString("executor")
                            : rs.getString("runner_id"),
                        rs.getTimestamp("lease_expires_at") == null
                            ? "none"
                            : rs.getTimestamp("lease_expires_at").toInstant())),
        task(
            LOST,
            Severity.ERROR,
            none,
            "t.status = " + literal(TaskStatus.LOST),
            "t.ended_at",
            rs -> "lost: " + rs.getString("status_reason")),
        task(
            UNVERIFIED_SUCCESS_REFUSED,
            Severity.ERROR,
            none,
            "t.status = "
                + literal(TaskStatus.NEEDS_ASSISTANCE)
                + " and t.status_reason like '"
                + RunnerSide.UNVERIFIED_SUCCESS_REFUSED.replace("_", "\\_")
                + "%'",
            "t.last_event_at",
            rs -> "a runner's succeeded was refused: " + rs.getString("status_reason")),
        task(
            DELIVERY_FAILED,
            Severity.WARN,
            none,
            "t.delivery_status = " + literal(DeliveryStatus.FAILED),
            "t.last_event_at",
            rs ->
                "task %s; its notification could not be delivered"
                    .formatted(rs.getString("status"))),
        task(
            DELIVERY_PENDING,
            Severity.WARN,
            settings.deliveryPending(),
            "t.delivery_status = "
                + literal(DeliveryStatus.PENDING)
                + " and t.ended_at is not null and t.ended_at < :cutoff",
            "t.ended_at",
            rs ->
                "task %s; the notifier has reported no delivery of its outcome"
                    .formatted(rs.getString("status"))),
        task(
            MISSING_CLEANUP,
            Severity.INFO,
            settings.missingCleanup(),
            "t.cleanup_after is null and t.ended_at is not null and t.ended_at < :cutoff",
            "t.ended_at",
            rs -> "%s with no cleanupAfter".formatted(rs.getString("status"))),
        fencedTask(
            INCONSISTENT_TIMESTAMPS,
            Severity.ERROR,
            none,
            "true",
            "t.created_at",
            rs ->
                "%s with createdAt=%s startedAt=%s lastEventAt=%s endedAt=%s"
                    .formatted(
                        rs.getString("status"),
                        instant(rs, "created_at"),
                        instant(rs, "started_at"),
                        instant(rs, "last_event_at"),
                        instant(rs, "ended_at"))),
        flow(
            STALE_RUNNING,
            Severity.WARN,
            settings.flowStaleRunning(),
            "f.status = "
                + literal(FlowStatus.RUNNING)
                + " and coalesce((select max(t.last_event_at) from tasks t"
                + " where t.tenant = f.tenant and t.parent_flow_id = f.flow_id), f.updated_at) < :cutoff",
            "coalesce((select max(t.last_event_at) from tasks t"
                + " where t.tenant = f.tenant and t.parent_flow_id = f.flow_id), f.updated_at)",
            rs -> "running with no event from any linked task since"),
        flow(
            STALE_WAITING,
            Severity.WARN,
            settings.flowStaleWaiting(),
            "f.status = " + literal(FlowStatus.WAITING) + " and f.updated_at < :cutoff",
            "f.updated_at",
            rs -> "waiting on a paused task"),
        flow(
            STALE_BLOCKED,
            Severity.WARN,
            settings.flowStaleBlocked(),
            "f.status = " + literal(FlowStatus.BLOCKED) + " and f.updated_at < :cutoff",
            "f.updated_at",
            rs ->
                "blocked by task %s: %s"
                    .formatted(rs.getString("blocked_task_id"), rs.getString("blocked_summary"))),
        flow(
            CANCEL_STUCK,
            Severity.ERROR,
            settings.cancelStuck(),
            "f.cancel_requested_at is not null and f.status <> "
                + literal(FlowStatus.CANCELLED)
                + " and f.cancel_requested_at < :cutoff",
            "f.cancel_requested_at",
            rs -> "cancel requested but the flow is still " + rs.getString("status")),
        flow(
            MISSING_LINKED_TASKS,
            Severity.WARN,
            settings.missingLinkedTasks(),
            "f.status in "
                + StatusSql.OPEN_FLOW
                + " and f.created_at < :cutoff"
                + " and not exists (select 1 from tasks t where t.tenant = f.tenant"
                + " and t.parent_flow_id = f.flow_id)",
            "f.created_at",
            rs -> rs.getString("status") + " with no linked task"),
        flow(
            BLOCKED_TASK_MISSING,
            Severity.ERROR,
            none,
            "f.status = "
                + literal(FlowStatus.BLOCKED)
                + " and (f.blocked_task_id is null or not exists (select 1 from"
                + " tasks t where t.task_id = f.blocked_task_id and t.parent_flow_id = f.flow_id"
                + " and t.status in "
                + StatusSql.BLOCKING_TASK
                + "))",
            "f.updated_at",
            rs ->
                "blocked by task %s, which no longer blocks it"
                    .formatted(rs.getString("blocked_task_id"))));
  }

  private static Check task(
      AuditCode code,
      Severity severity,
      Duration threshold,
      String where,
      String since,
      SqlFunction detail) {
    return new Check(code, severity, "task", threshold, "tasks t", where, since, detail);
  }

  /**
   * The planner cannot estimate the timestamp-order predicate and would walk the newest-first index
   * of the whole tenant to serve the ordering; behind a fence it reads the tiny partial index that
   * holds exactly the broken rows.
   */
  private static Check fencedTask(
      AuditCode code,
      Severity severity,
      Duration threshold,
      String where,
      String since,
      SqlFunction detail) {
    return new Check(
        code,
        severity,
        "task",
        threshold,
        "(select * from tasks where " + INCONSISTENT_TIMESTAMPS_PREDICATE + " offset 0) t",
        where,
        since,
        detail);
  }

  private static Check flow(
      AuditCode code,
      Severity severity,
      Duration threshold,
      String where,
      String since,
      SqlFunction detail) {
    return new Check(code, severity, "flow", threshold, "flows f", where, since, detail);
  }

  @FunctionalInterface
  private interface SqlFunction extends Function<ResultSet, String> {
    String read(ResultSet rs) throws SQLException;

    @Override
    default String apply(ResultSet rs) {
      try {
        return read(rs);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Object instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? "none" : value.toInstant();
  }
}

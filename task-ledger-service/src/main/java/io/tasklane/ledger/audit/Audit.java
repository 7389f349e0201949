package io.tasklane.ledger.audit;

import io.tasklane.ledger.LedgerProperties;
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
  public static final List<String> CODES =
      List.of(
          "stale_queued",
          "stale_running",
          "lost",
          RunnerSide.UNVERIFIED_SUCCESS_REFUSED,
          "delivery_failed",
          "delivery_pending",
          "missing_cleanup",
          "inconsistent_timestamps",
          "stale_waiting",
          "stale_blocked",
          "cancel_stuck",
          "missing_linked_tasks",
          "blocked_task_missing");

  static final String INCONSISTENT_TIMESTAMPS =
      """
      (started_at < created_at
       or last_event_at < coalesce(started_at, created_at)
       or ended_at < coalesce(started_at, created_at)
       or (ended_at is null and status in ('succeeded', 'failed', 'timed_out', 'cancelled', 'lost'))
       or (ended_at is not null and status in ('queued', 'running', 'paused', 'needs_assistance')))
      """;

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
          || (code != null && !check.code().equals(code))) {
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
        byCode.merge(check.code(), total[0], Long::sum);
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
        check.code(),
        check.severity(),
        check.kind(),
        rs.getObject("task_id", UUID.class),
        rs.getObject("flow_id", UUID.class),
        since,
        Math.max(0, Duration.between(since, now).toSeconds()),
        check.detail().apply(rs));
  }

  private record Check(
      String code,
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
            "stale_queued",
            Severity.WARN,
            settings.staleQueued(),
            "t.status = 'queued' and t.last_event_at < :cutoff",
            "t.last_event_at",
            rs ->
                rs.getString("executor").equals("external")
                    ? "queued at attempt %d; the external executor never reported started"
                        .formatted(rs.getInt("attempt"))
                    : "queued at attempt %d and not claimed by any runner"
                        .formatted(rs.getInt("attempt"))),
        task(
            "stale_running",
            Severity.ERROR,
            settings.staleRunning(),
            "t.status = 'running' and t.last_event_at < :cutoff",
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
            "lost",
            Severity.ERROR,
            none,
            "t.status = 'lost'",
            "t.ended_at",
            rs -> "lost: " + rs.getString("status_reason")),
        task(
            RunnerSide.UNVERIFIED_SUCCESS_REFUSED,
            Severity.ERROR,
            none,
            "t.status = 'needs_assistance' and t.status_reason like '"
                + RunnerSide.UNVERIFIED_SUCCESS_REFUSED.replace("_", "\\_")
                + "%'",
            "t.last_event_at",
            rs -> "a runner's succeeded was refused: " + rs.getString("status_reason")),
        task(
            "delivery_failed",
            Severity.WARN,
            none,
            "t.delivery_status = 'failed'",
            "t.last_event_at",
            rs ->
                "task %s; its notification could not be delivered"
                    .formatted(rs.getString("status"))),
        task(
            "delivery_pending",
            Severity.WARN,
            settings.deliveryPending(),
            "t.delivery_status = 'pending' and t.ended_at is not null and t.ended_at < :cutoff",
            "t.ended_at",
            rs ->
                "task %s; the notifier has reported no delivery of its outcome"
                    .formatted(rs.getString("status"))),
        task(
            "missing_cleanup",
            Severity.INFO,
            settings.missingCleanup(),
            "t.cleanup_after is null and t.ended_at is not null and t.ended_at < :cutoff",
            "t.ended_at",
            rs -> "%s with no cleanupAfter".formatted(rs.getString("status"))),
        fencedTask(
            "inconsistent_timestamps",
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
            "stale_running",
            Severity.WARN,
            settings.flowStaleRunning(),
            "f.status = 'running' and coalesce((select max(t.last_event_at) from tasks t"
                + " where t.tenant = f.tenant and t.parent_flow_id = f.flow_id), f.updated_at) < :cutoff",
            "coalesce((select max(t.last_event_at) from tasks t"
                + " where t.tenant = f.tenant and t.parent_flow_id = f.flow_id), f.updated_at)",
            rs -> "running with no event from any linked task since"),
        flow(
            "stale_waiting",
            Severity.WARN,
            settings.flowStaleWaiting(),
            "f.status = 'waiting' and f.updated_at < :cutoff",
            "f.updated_at",
            rs -> "waiting on a paused task"),
        flow(
            "stale_blocked",
            Severity.WARN,
            settings.flowStaleBlocked(),
            "f.status = 'blocked' and f.updated_at < :cutoff",
            "f.updated_at",
            rs ->
                "blocked by task %s: %s"
                    .formatted(rs.getString("blocked_task_id"), rs.getString("blocked_summary"))),
        flow(
            "cancel_stuck",
            Severity.ERROR,
            settings.cancelStuck(),
            "f.cancel_requested_at is not null and f.status <> 'cancelled'"
                + " and f.cancel_requested_at < :cutoff",
            "f.cancel_requested_at",
            rs -> "cancel requested but the flow is still " + rs.getString("status")),
        flow(
            "missing_linked_tasks",
            Severity.WARN,
            settings.missingLinkedTasks(),
            "f.status in ('queued', 'running', 'waiting', 'blocked') and f.created_at < :cutoff"
                + " and not exists (select 1 from tasks t where t.tenant = f.tenant"
                + " and t.parent_flow_id = f.flow_id)",
            "f.created_at",
            rs -> rs.getString("status") + " with no linked task"),
        flow(
            "blocked_task_missing",
            Severity.ERROR,
            none,
            "f.status = 'blocked' and (f.blocked_task_id is null or not exists (select 1 from"
                + " tasks t where t.task_id = f.blocked_task_id and t.parent_flow_id = f.flow_id"
                + " and t.status in ('needs_assistance', 'failed', 'timed_out')))",
            "f.updated_at",
            rs ->
                "blocked by task %s, which no longer blocks it"
                    .formatted(rs.getString("blocked_task_id"))));
  }

  private static Check task(
      String code,
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
      String code,
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
        "(select * from tasks where " + INCONSISTENT_TIMESTAMPS + " offset 0) t",
        where,
        since,
        detail);
  }

  private static Check flow(
      String code,
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

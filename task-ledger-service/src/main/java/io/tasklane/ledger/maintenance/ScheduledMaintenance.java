package io.tasklane.ledger.maintenance;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.audit.Audit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs maintenance over every tenant on a schedule. Every replica schedules it; the one that gets a
 * session advisory lock runs the pass and the others skip that turn. The lock lives on its own
 * connection, so it goes away with a replica that dies mid-pass.
 */
@Component
class ScheduledMaintenance {

  private static final Logger log = LoggerFactory.getLogger(ScheduledMaintenance.class);
  private static final long MAINTENANCE_LOCK = 0x7461736b6d61696eL;
  private static final long LEASE_LOCK = 0x7461736b6c656173L;

  /** A lease pass later than its interval by more than this means the ledger was stalled. */
  private static final long PAUSE_NANOS = java.time.Duration.ofSeconds(3).toNanos();

  private final Maintenance maintenance;
  private final DataSource dataSource;
  private final boolean scheduled;
  private final long intervalNanos;
  private final long pauseSettleNanos;
  private volatile long leasesJudgedFrom;
  private volatile long lastLeaseTick = System.nanoTime();
  private final Map<String, AtomicLong> findings = new ConcurrentHashMap<>();

  ScheduledMaintenance(
      Maintenance maintenance,
      DataSource dataSource,
      LedgerProperties properties,
      MeterRegistry meters) {
    this.maintenance = maintenance;
    this.dataSource = dataSource;
    this.scheduled = properties.maintenance().scheduled();
    this.leasesJudgedFrom = System.nanoTime() + properties.recovery().warmUp().toNanos();
    this.intervalNanos = properties.recovery().interval().toNanos();
    this.pauseSettleNanos = properties.lease().toNanos();
    for (String code : Audit.CODES) {
      AtomicLong count = new AtomicLong();
      findings.put(code, count);
      Gauge.builder("tasklane.audit.findings", count, AtomicLong::get)
          .description("Audit findings across all tenants at the last scheduled maintenance pass")
          .tag("code", code)
          .register(meters);
    }
  }

  @Scheduled(
      fixedDelayString = "${tasklane.ledger.maintenance.interval}",
      initialDelayString = "${tasklane.ledger.maintenance.interval}")
  void pass() {
    if (!scheduled) {
      return;
    }
    try (Connection lock = dataSource.getConnection()) {
      if (!tryLock(lock, MAINTENANCE_LOCK)) {
        return;
      }
      try {
        MaintenanceReport report = maintenance.run(null, true);
        findings.forEach((code, count) -> count.set(report.auditAfter().count(code)));
        if (report.reconciled() + report.recovered() + report.pruned() > 0) {
          log.info(
              "Maintenance: reconciled {}, recovered {}, stamped {}, pruned {}",
              report.reconciled(),
              report.recovered(),
              report.cleanupStamped(),
              report.pruned());
        }
      } finally {
        unlock(lock, MAINTENANCE_LOCK);
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("Maintenance pass failed; the next one retries: {}", e.getMessage());
    }
  }

  /**
   * The lease part alone, every {@code tasklane.ledger.recovery.interval}, under its own lock so a
   * long whole pass never holds it up: a dead runner's tasks are queued again within seconds.
   */
  @Scheduled(
      fixedDelayString = "${tasklane.ledger.recovery.interval}",
      initialDelayString = "${tasklane.ledger.recovery.interval}")
  void leases() {
    long now = System.nanoTime();
    if (now - lastLeaseTick > intervalNanos + PAUSE_NANOS) {
      // this ledger stood still (a long GC pause, a frozen host): so did its report consumer, and
      // heartbeats wait unread in the broker; a lease is judged again once they had a lease's time
      log.warn(
          "Lease pass: no turn for {} ms; leases are judged again in {} ms",
          (now - lastLeaseTick) / 1_000_000,
          pauseSettleNanos / 1_000_000);
      leasesJudgedFrom = Math.max(leasesJudgedFrom, now + pauseSettleNanos);
    }
    lastLeaseTick = now;
    if (!scheduled || now < leasesJudgedFrom) {
      return;
    }
    try (Connection lock = dataSource.getConnection()) {
      if (!tryLock(lock, LEASE_LOCK)) {
        return;
      }
      try {
        int reconciled = maintenance.reconcileLeases();
        if (reconciled > 0) {
          log.info("Lease pass: {} task(s) queued again or marked lost", reconciled);
        }
      } finally {
        unlock(lock, LEASE_LOCK);
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("Lease pass failed; the next one retries: {}", e.getMessage());
    } finally {
      lastLeaseTick = System.nanoTime();
    }
  }

  private static boolean tryLock(Connection connection, long key) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select pg_try_advisory_lock(?)")) {
      statement.setLong(1, key);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static void unlock(Connection connection, long key) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select pg_advisory_unlock(?)")) {
      statement.setLong(1, key);
      statement.execute();
    }
  }
}

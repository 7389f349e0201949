package io.tasklane.ledger.approvals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The deadline pass: every {@code tasklane.approvals.deadline-interval}, the pending requests past
 * their deadline are announced, and the task ledger decides each {@code expired} (the task is
 * queued again with the call denied, or fails, as its policy says). Every replica schedules it; the
 * one that gets the session advisory lock runs it.
 */
@Component
class ApprovalDeadlines {

  private static final Logger log = LoggerFactory.getLogger(ApprovalDeadlines.class);
  private static final long LOCK = 0x7461736b61707072L;
  private static final int BATCH = 100;

  private final Approvals approvals;
  private final DataSource dataSource;
  private final ApplicationEventPublisher publisher;
  private final Clock clock;

  ApprovalDeadlines(
      Approvals approvals,
      DataSource dataSource,
      ApplicationEventPublisher publisher,
      Clock clock) {
    this.approvals = approvals;
    this.dataSource = dataSource;
    this.publisher = publisher;
    this.clock = clock;
  }

  @Scheduled(
      fixedDelayString = "${tasklane.approvals.deadline-interval}",
      initialDelayString = "${tasklane.approvals.deadline-interval}")
  void pass() {
    try (Connection lock = dataSource.getConnection()) {
      if (!advisory(lock, "select pg_try_advisory_lock(?)")) {
        return;
      }
      try {
        for (ApprovalDeadlinePassed due : approvals.due(clock.instant(), BATCH)) {
          try {
            publisher.publishEvent(due);
          } catch (RuntimeException e) {
            log.warn(
                "Approval request {} of task {} past its deadline was not decided: {}",
                due.number(),
                due.taskId(),
                e.getMessage());
          }
        }
      } finally {
        advisory(lock, "select pg_advisory_unlock(?)");
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("Approval deadline pass failed; the next one retries: {}", e.getMessage());
    }
  }

  private static boolean advisory(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, LOCK);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}

package io.tasklane.notifier.inbox;

import io.tasklane.contracts.TaskLifecycleEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Durable per-session messages, kept in PostgreSQL so a client that was away can catch up. */
@Service
public class Inbox {

  private final JdbcClient jdbc;
  private final InboxStreams streams;

  Inbox(JdbcClient jdbc, InboxStreams streams) {
    this.jdbc = jdbc;
    this.streams = streams;
  }

  /** Adds the message of an event (its title and plain-text body) unless the inbox holds it. */
  public void append(
      String tenant, String sessionKey, TaskLifecycleEvent event, String title, String body) {
    int added =
        jdbc.sql(
                """
                INSERT INTO notifier.inbox_message
                    (tenant, session_key, event_id, task_id, event_type, status, title, body,
                     event_time)
                VALUES (:tenant, :session, :eventId, :taskId, :type, :status, :title, :body,
                        :eventTime)
                ON CONFLICT (tenant, session_key, event_id) DO NOTHING
                """)
            .param("tenant", tenant)
            .param("session", sessionKey)
            .param("eventId", event.id())
            .param("taskId", event.data().taskId())
            .param("type", event.type())
            .param("status", event.data().status() == null ? null : event.data().status().wire())
            .param("title", title)
            .param("body", body)
            .param("eventTime", Timestamp.from(event.time() == null ? Instant.now() : event.time()))
            .update();
    if (added > 0) {
      wakeStreamsAfterCommit(tenant, sessionKey);
    }
  }

  List<InboxMessage> after(String tenant, String sessionKey, long afterId, int limit) {
    return jdbc.sql(
            """
            SELECT * FROM notifier.inbox_message
             WHERE tenant = ? AND session_key = ? AND id > ?
             ORDER BY id
             LIMIT ?
            """)
        .params(tenant, sessionKey, afterId, limit)
        .query(Inbox::map)
        .list();
  }

  private void wakeStreamsAfterCommit(String tenant, String sessionKey) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      streams.wake(tenant, sessionKey);
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            streams.wake(tenant, sessionKey);
          }
        });
  }

  private static InboxMessage map(ResultSet rs, int row) throws SQLException {
    return new InboxMessage(
        rs.getLong("id"),
        rs.getObject("event_id", UUID.class),
        rs.getObject("task_id", UUID.class),
        rs.getString("event_type"),
        rs.getString("status"),
        rs.getString("title"),
        rs.getString("body"),
        rs.getTimestamp("event_time").toInstant());
  }
}

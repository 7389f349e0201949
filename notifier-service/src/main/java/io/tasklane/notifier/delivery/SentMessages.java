package io.tasklane.notifier.delivery;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.TaskLifecycleEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** What was sent for which task, for those who answer it: the recipient and the message. */
@Component
public class SentMessages {

  /** The session a task reports to, and the event the message (or the newest message) was about. */
  public record Recipient(
      String tenant, String sessionKey, UUID taskId, TaskLifecycleEvent event) {}

  private final JdbcClient jdbc;
  private final JsonMapper json;

  SentMessages(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * The task a sent message ({@code messageRef}, e.g. Telegram's chat and message id) was about.
   */
  public Optional<Recipient> byMessage(String messageRef) {
    return jdbc.sql(
            """
            SELECT d.tenant, d.session_key, d.task_id, d.event_json
              FROM notifier.delivery_message m JOIN notifier.delivery d ON d.id = m.delivery_id
             WHERE m.message_ref = :ref
            """)
        .param("ref", messageRef)
        .query(this::recipient)
        .optional();
  }

  /** The session that heard about a task on {@code channel}, as of the newest such event. */
  public Optional<Recipient> recipientOf(UUID taskId, DeliveryChannel channel) {
    return jdbc.sql(
            """
            SELECT tenant, session_key, task_id, event_json FROM notifier.delivery
             WHERE task_id = :taskId AND channel = :channel AND session_key IS NOT NULL
             ORDER BY id DESC LIMIT 1
            """)
        .param("taskId", taskId)
        .param("channel", channel.wire())
        .query(this::recipient)
        .optional();
  }

  private Recipient recipient(ResultSet rs, int row) throws SQLException {
    return new Recipient(
        rs.getString("tenant"),
        rs.getString("session_key"),
        rs.getObject("task_id", UUID.class),
        json.readValue(rs.getString("event_json"), TaskLifecycleEvent.class));
  }
}

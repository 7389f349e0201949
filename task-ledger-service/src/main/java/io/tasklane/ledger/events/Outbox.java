package io.tasklane.ledger.events;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes outgoing messages in the caller's transaction. They are published by the {@link
 * OutboxRelay} after commit, so a crash between the two loses nothing.
 */
@Component
public class Outbox {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final OutboxRelay relay;

  Outbox(JdbcClient jdbc, JsonMapper json, OutboxRelay relay) {
    this.jdbc = jdbc;
    this.json = json;
    this.relay = relay;
  }

  /** An outgoing message of a task, serialised, ready for an {@code outbox} row. */
  public record Message(String topic, UUID taskId, String tenant, String payload, Instant at) {}

  public Message message(String topic, UUID taskId, String tenant, Object message, Instant at) {
    return new Message(topic, taskId, tenant, json.writeValueAsString(message), at);
  }

  public void add(Message message) {
    jdbc.sql(
            """
            insert into outbox (topic, message_key, tenant, task_id, payload, created_at)
            values (:topic, :key, :tenant, :taskId, :payload::jsonb, :at)
            """)
        .param("topic", message.topic())
        .param("key", message.taskId().toString())
        .param("tenant", message.tenant())
        .param("taskId", message.taskId())
        .param("payload", message.payload())
        .param("at", Timestamp.from(message.at()))
        .update();
    wakeRelayAfterCommit();
  }

  /** For writers that insert outbox rows themselves: the relay looks as soon as they commit. */
  public void wakeRelayAfterCommit() {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              relay.wake();
            }
          });
    }
  }
}

package io.tasklane.ledger.events;

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

  public void add(String topic, UUID taskId, String tenant, Object message, Instant at) {
    jdbc.sql(
            """
            insert into outbox (topic, message_key, tenant, task_id, payload, created_at)
            values (:topic, :key, :tenant, :taskId, :payload::jsonb, :at)
            """)
        .param("topic", topic)
        .param("key", taskId.toString())
        .param("tenant", tenant)
        .param("taskId", taskId)
        .param("payload", json.writeValueAsString(message))
        .param("at", java.sql.Timestamp.from(at))
        .update();
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

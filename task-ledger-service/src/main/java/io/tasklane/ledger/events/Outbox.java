package io.tasklane.ledger.events;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  private static final Object DEFERRED = Outbox.class.getName() + ".deferred";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final OutboxRelay relay;

  Outbox(JdbcClient jdbc, JsonMapper json, OutboxRelay relay) {
    this.jdbc = jdbc;
    this.json = json;
    this.relay = relay;
  }

  /**
   * An outgoing message of a task, serialised, ready for an {@code outbox} row; {@code traceParent}
   * is the trace context of the request that created the task, sent as the message's header.
   */
  public record Message(
      String topic, UUID taskId, String tenant, String payload, Instant at, String traceParent) {}

  public Message message(
      String topic, UUID taskId, String tenant, Object message, Instant at, String traceParent) {
    return new Message(topic, taskId, tenant, json.writeValueAsString(message), at, traceParent);
  }

  public void add(Message message) {
    @SuppressWarnings("unchecked")
    List<Message> deferred =
        (List<Message>) TransactionSynchronizationManager.getResource(DEFERRED);
    if (deferred != null) {
      deferred.add(message);
      return;
    }
    jdbc.sql(
            """
            insert into outbox (topic, message_key, tenant, task_id, payload, created_at,
              trace_parent)
            values (:topic, :key, :tenant, :taskId, :payload::jsonb, :at, :traceParent)
            """)
        .param("topic", message.topic())
        .param("key", message.taskId().toString())
        .param("tenant", message.tenant())
        .param("taskId", message.taskId())
        .param("payload", message.payload())
        .param("at", Timestamp.from(message.at()))
        .param("traceParent", message.traceParent())
        .update();
    wakeRelayAfterCommit();
  }

  /**
   * From now until the current transaction ends, messages are kept and written together in one
   * statement, in the order they were added: by {@link #writeDeferred()}, or else just before the
   * transaction commits.
   */
  public void deferUntilCommit() {
    if (TransactionSynchronizationManager.hasResource(DEFERRED)) {
      return;
    }
    TransactionSynchronizationManager.bindResource(DEFERRED, new ArrayList<Message>());
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void beforeCommit(boolean readOnly) {
            writeDeferred();
            // whatever is added after this, by a later step of the commit, is written at once
            TransactionSynchronizationManager.unbindResourceIfPossible(DEFERRED);
          }

          @Override
          public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(DEFERRED);
          }
        });
  }

  /** Writes the messages kept since {@link #deferUntilCommit()}. */
  public void writeDeferred() {
    @SuppressWarnings("unchecked")
    List<Message> messages =
        (List<Message>) TransactionSynchronizationManager.getResource(DEFERRED);
    if (messages == null || messages.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            insert into outbox (topic, message_key, tenant, task_id, payload, created_at,
              trace_parent)
            select m.topic, m.task_id::text, m.tenant, m.task_id, m.payload::jsonb,
                   m.created_at::timestamptz, m.trace_parent
            from unnest(:topics::text[], :tenants::text[], :taskIds::uuid[], :payloads::text[],
                        :createdAts::text[], :traceParents::text[]) with ordinality
              as m(topic, tenant, task_id, payload, created_at, trace_parent, n)
            order by m.n
            """)
        .param("topics", messages.stream().map(Message::topic).toArray(String[]::new))
        .param("tenants", messages.stream().map(Message::tenant).toArray(String[]::new))
        .param("taskIds", messages.stream().map(Message::taskId).toArray(UUID[]::new))
        .param("payloads", messages.stream().map(Message::payload).toArray(String[]::new))
        .param("createdAts", messages.stream().map(m -> m.at().toString()).toArray(String[]::new))
        .param("traceParents", messages.stream().map(Message::traceParent).toArray(String[]::new))
        .update();
    messages.clear();
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

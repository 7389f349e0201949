package io.tasklane.ledger.tasks;

import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.WireEnum;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The append-only journal of every task, written in the transaction of the change it records. */
@Component
class Journal {

  private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {};

  private static final Object DEFERRED = Journal.class.getName() + ".deferred";

  private final JdbcClient jdbc;
  private final JsonMapper json;

  Journal(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Appends the task's next entry and returns its sequence number. */
  long append(TaskEntity task, Instant at, JournalEntryType type, Map<String, ?> payload) {
    long seq = task.nextSeq();
    @SuppressWarnings("unchecked")
    List<Entry> deferred = (List<Entry>) TransactionSynchronizationManager.getResource(DEFERRED);
    if (deferred != null) {
      deferred.add(
          new Entry(task.taskId, seq, at, task.attempt, type, json.writeValueAsString(payload)));
      return seq;
    }
    try {
      insert(task, at, type, payload, seq);
    } catch (DuplicateKeyException e) {
      throw changedUnderUs(task.taskId, e);
    }
    return seq;
  }

  /**
   * From now until the current transaction ends, entries are kept and written together in one
   * statement: by {@link #writeDeferred()}, or else just before the transaction commits.
   */
  void deferUntilCommit() {
    if (TransactionSynchronizationManager.hasResource(DEFERRED)) {
      return;
    }
    TransactionSynchronizationManager.bindResource(DEFERRED, new ArrayList<Entry>());
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

  /** Writes the entries kept since {@link #deferUntilCommit()}, in the order they were made. */
  void writeDeferred() {
    @SuppressWarnings("unchecked")
    List<Entry> entries = (List<Entry>) TransactionSynchronizationManager.getResource(DEFERRED);
    if (entries == null || entries.isEmpty()) {
      return;
    }
    try {
      jdbc.sql(
              """
              insert into journal (task_id, seq, at, attempt, type, payload)
              select e.task_id, e.seq, e.at::timestamptz, e.attempt, e.type, e.payload::jsonb
              from unnest(:taskIds::uuid[], :seqs::bigint[], :ats::text[], :attempts::int[],
                          :types::text[], :payloads::text[])
                as e(task_id, seq, at, attempt, type, payload)
              """)
          .param("taskIds", entries.stream().map(Entry::taskId).toArray(UUID[]::new))
          .param("seqs", entries.stream().map(Entry::seq).toArray(Long[]::new))
          .param("ats", entries.stream().map(e -> e.at().toString()).toArray(String[]::new))
          .param("attempts", entries.stream().map(Entry::attempt).toArray(Integer[]::new))
          .param("types", entries.stream().map(e -> e.type().wire()).toArray(String[]::new))
          .param("payloads", entries.stream().map(Entry::payload).toArray(String[]::new))
          .update();
    } catch (DuplicateKeyException e) {
      throw changedUnderUs(entries.getFirst().taskId(), e);
    }
    entries.clear();
  }

  /** Another transaction appended a task's next entry first: the task changed under us. */
  private static OptimisticLockingFailureException changedUnderUs(
      UUID taskId, DuplicateKeyException e) {
    return new OptimisticLockingFailureException(
        "Task " + taskId + " changed while this change was applied", e);
  }

  private record Entry(
      UUID taskId, long seq, Instant at, int attempt, JournalEntryType type, String payload) {}

  private void insert(
      TaskEntity task, Instant at, JournalEntryType type, Map<String, ?> payload, long seq) {
    jdbc.sql(
            """
            insert into journal (task_id, seq, at, attempt, type, payload)
            values (:taskId, :seq, :at, :attempt, :type, :payload::jsonb)
            """)
        .param("taskId", task.taskId)
        .param("seq", seq)
        .param("at", Timestamp.from(at))
        .param("attempt", task.attempt)
        .param("type", type.wire())
        .param("payload", json.writeValueAsString(payload))
        .update();
  }

  List<JournalEntry> after(UUID taskId, long afterSeq, int limit) {
    return jdbc.sql(
            """
            select seq, at, attempt, type, payload::text as payload from journal
            where task_id = :taskId and seq > :afterSeq order by seq limit :limit
            """)
        .param("taskId", taskId)
        .param("afterSeq", afterSeq)
        .param("limit", limit)
        .query(
            (rs, i) ->
                new JournalEntry(
                    rs.getLong("seq"),
                    rs.getTimestamp("at").toInstant(),
                    rs.getInt("attempt"),
                    WireEnum.parse(JournalEntryType.class, rs.getString("type")),
                    json.readValue(rs.getString("payload"), PAYLOAD)))
        .list();
  }
}

package io.tasklane.ledger.tasks;

import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.WireEnum;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The append-only journal of every task, written in the transaction of the change it records. */
@Component
class Journal {

  private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  Journal(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Appends the task's next entry and returns its sequence number. */
  long append(TaskEntity task, Instant at, JournalEntryType type, Map<String, ?> payload) {
    long seq = task.nextSeq();
    try {
      insert(task, at, type, payload, seq);
    } catch (DuplicateKeyException e) {
      // Another transaction appended this task's next entry first: the task changed under us.
      throw new OptimisticLockingFailureException(
          "Task " + task.taskId + " changed while this change was applied", e);
    }
    return seq;
  }

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

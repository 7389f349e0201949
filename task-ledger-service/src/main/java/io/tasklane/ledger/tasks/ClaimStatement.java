package io.tasklane.ledger.tasks;

import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.events.Outbox;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The claim written plainly: one conditional update moves the task from {@code queued} to {@code
 * running} for exactly the claimed attempt, appends its journal entry and returns the task with its
 * plan; its lifecycle event goes to the outbox in the same transaction. A claim is the ledger's
 * second busiest write, after creation: no entity is loaded, dirty-checked and written back.
 */
@Component
class ClaimStatement {

  private static final TaskStatus FROM = TaskStatus.QUEUED;
  private static final TaskStatus TO = TaskStateMachine.next(FROM, Trigger.CLAIM).orElseThrow();

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final TaskQueries queries;
  private final TaskEvents events;
  private final Outbox outbox;
  private final Transitions transitions;
  private final LedgerProperties properties;
  private final Clock clock;

  ClaimStatement(
      JdbcClient jdbc,
      JsonMapper json,
      TaskQueries queries,
      TaskEvents events,
      Outbox outbox,
      Transitions transitions,
      LedgerProperties properties,
      Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.queries = queries;
    this.events = events;
    this.outbox = outbox;
    this.transitions = transitions;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Claims the task in the caller's transaction; empty when it is not {@code queued} at exactly
   * this attempt (then nothing changed). The status change is recorded as {@link Transitions#apply}
   * records one: the journal entry, the lifecycle event, the announcement.
   */
  Optional<TaskEntity> claim(UUID taskId, TaskClaim claim) {
    String reason = "claimed by " + claim.runnerId();
    Map<String, Object> entry =
        Transitions.entry(FROM, TO, Trigger.CLAIM, reason, Map.of("runnerId", claim.runnerId()));
    Optional<TaskEntity> claimed =
        jdbc.sql(
                """
                with claimed as (
                  update tasks
                     set status = :to, status_reason = :reason, runner_id = :runnerId,
                         last_event_at = greatest(last_event_at, :now),
                         started_at = coalesce(started_at, greatest(last_event_at, :now)),
                         lease_expires_at =
                           greatest(last_event_at, :now) + :leaseMicros * interval '1 microsecond',
                         journal_seq = journal_seq + 1, version = version + 1
                   where task_id = :taskId and attempt = :attempt and status = :from
                  returning *
                ), entry as (
                  insert into journal (task_id, seq, at, attempt, type, payload)
                  select task_id, journal_seq, last_event_at, attempt, :entryType,
                         :entryPayload::jsonb
                  from claimed
                )
                select t.*, %s
                from claimed t
                """
                    .formatted(TaskQueries.PLAN_JSON))
            .param("to", TO.wire())
            .param("from", FROM.wire())
            .param("reason", reason)
            .param("runnerId", claim.runnerId())
            .param("now", Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS)))
            .param("leaseMicros", properties.lease().toNanos() / 1_000)
            .param("taskId", taskId)
            .param("attempt", claim.attempt())
            .param("entryType", JournalEntryType.STATUS_CHANGED.wire())
            .param("entryPayload", json.writeValueAsString(entry))
            .query(queries::task)
            .optional();
    claimed.ifPresent(
        task -> {
          outbox.add(
              events.lifecycleMessage(
                  task,
                  TaskLifecycleEvent.TYPE_STATUS_CHANGED,
                  task.journalSeq,
                  task.lastEventAt,
                  FROM));
          transitions.announce(task, FROM, TO);
        });
    return claimed;
  }
}

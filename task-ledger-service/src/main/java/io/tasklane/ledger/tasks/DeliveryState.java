package io.tasklane.ledger.tasks;

import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.NotifyPolicy;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one writer of a task's {@code deliveryStatus}, as {@link Transitions} is of its status.
 *
 * <p>The status is about one lifecycle event, named by its journal sequence ({@code
 * deliverySequence}). When the task reaches an end the requester is told about, the status becomes
 * what {@link ExpectedDelivery} says ({@code pending} or {@code not_applicable}) for that event. A
 * notifier's report is about one event on one channel: a report about an event older than the one
 * the status is about is journaled and changes nothing; a report about that event or a newer one
 * moves the status there, combining every channel's outcome for the event with {@link #combine}.
 */
@Component
class DeliveryState {

  private final Journal journal;
  private final JdbcClient jdbc;

  DeliveryState(Journal journal, JdbcClient jdbc) {
    this.journal = journal;
    this.jdbc = jdbc;
  }

  /**
   * How several channels' outcomes for one event combine: the requester was reached if any channel
   * reached them ({@code delivered}, then {@code session_queued}); otherwise {@code parent_missing}
   * when a channel says so, else {@code failed}. Each channel's own outcome stays in the journal.
   */
  static DeliveryStatus combine(Collection<DeliveryStatus> outcomes) {
    for (DeliveryStatus reached :
        List.of(
            DeliveryStatus.DELIVERED,
            DeliveryStatus.SESSION_QUEUED,
            DeliveryStatus.PARENT_MISSING,
            DeliveryStatus.FAILED)) {
      if (outcomes.contains(reached)) {
        return reached;
      }
    }
    return DeliveryStatus.PENDING;
  }

  /** A new task: nothing has been told yet. */
  static void created(TaskEntity task) {
    task.deliveryStatus = ExpectedDelivery.of(task);
    task.deliverySequence = 0;
  }

  /**
   * The task reached an end the requester is told about, journaled at {@code sequence}: its
   * delivery starts again from what is expected for that event.
   */
  static void expect(TaskEntity task, long sequence) {
    task.deliveryStatus = ExpectedDelivery.of(task);
    task.deliverySequence = Math.max(task.deliverySequence, sequence);
  }

  /**
   * The notify policy changed (journaled at {@code sequence}): a task that is now silent, or that
   * had nothing to deliver, is set to what is expected now; one mid-delivery keeps its status.
   */
  static void policyChanged(TaskEntity task, long sequence) {
    if (task.notifyPolicy == NotifyPolicy.SILENT
        || task.deliveryStatus == DeliveryStatus.NOT_APPLICABLE) {
      expect(task, sequence);
    }
  }

  /** Applies one notifier report to the task; the caller saves the task. */
  void report(TaskEntity task, DeliveryReport report, Instant at) {
    long sequence = report.eventSequence() == null ? task.deliverySequence : report.eventSequence();
    boolean late = sequence < task.deliverySequence;
    jdbc.sql(
            """
            insert into delivery_channels
                (task_id, channel, event_id, event_sequence, task_attempt, outcome, reported_at)
            values (:taskId, :channel, :eventId, :sequence, :attempt, :outcome, :at)
            on conflict (task_id, channel) do update
               set event_id = excluded.event_id, event_sequence = excluded.event_sequence,
                   task_attempt = excluded.task_attempt, outcome = excluded.outcome,
                   reported_at = excluded.reported_at
             where delivery_channels.event_sequence <= excluded.event_sequence
            """)
        .param("taskId", task.taskId)
        .param("channel", report.channel().wire())
        .param("eventId", report.eventId())
        .param("sequence", sequence)
        .param("attempt", report.taskAttempt())
        .param("outcome", report.outcome().wire())
        .param("at", Timestamp.from(at))
        .update();
    if (!late) {
      List<DeliveryStatus> outcomes =
          jdbc.sql(
                  "select outcome from delivery_channels"
                      + " where task_id = :taskId and event_sequence = :sequence")
              .param("taskId", task.taskId)
              .param("sequence", sequence)
              .query((rs, i) -> DeliveryStatus.fromWire(rs.getString("outcome")))
              .list();
      task.deliverySequence = sequence;
      task.deliveryStatus = combine(outcomes);
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("eventId", report.eventId().toString());
    if (report.eventSequence() != null) {
      payload.put("eventSequence", report.eventSequence());
    }
    if (report.taskAttempt() != null) {
      payload.put("attempt", report.taskAttempt());
    }
    payload.put("channel", report.channel().wire());
    payload.put("outcome", report.outcome().wire());
    payload.put("attempts", report.attempts());
    if (report.reason() != null) {
      payload.put("reason", report.reason());
    }
    if (late) {
      payload.put("late", true);
      payload.put("deliveryStatusIsAbout", task.deliverySequence);
    }
    payload.put("deliveryStatus", task.deliveryStatus.wire());
    journal.append(task, at, JournalEntryType.DELIVERY, payload);
  }
}

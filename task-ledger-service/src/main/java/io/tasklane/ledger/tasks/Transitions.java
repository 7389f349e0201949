package io.tasklane.ledger.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.api.InvalidTransitionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Applies a status change the state machine allows, and records it: one journal entry and one
 * lifecycle event per transition, timestamps kept monotonic.
 */
@Component
class Transitions {

  private final Journal journal;
  private final TaskEvents events;
  private final MeterRegistry meters;
  private final Clock clock;
  private final ApplicationEventPublisher publisher;

  Transitions(
      Journal journal,
      TaskEvents events,
      MeterRegistry meters,
      Clock clock,
      ApplicationEventPublisher publisher) {
    this.journal = journal;
    this.events = events;
    this.meters = meters;
    this.clock = clock;
    this.publisher = publisher;
  }

  /** Now, at the precision PostgreSQL stores, never before the task's last event. */
  Instant now(TaskEntity task) {
    return task.monotonic(clock.instant().truncatedTo(ChronoUnit.MICROS));
  }

  /** The status {@code trigger} moves the task to; throws when the state machine refuses. */
  TaskStatus require(TaskEntity task, Trigger trigger) {
    return TaskStateMachine.next(task.status, trigger)
        .orElseThrow(
            () ->
                new InvalidTransitionException(
                    task.taskId,
                    task.status,
                    trigger.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
  }

  void apply(TaskEntity task, Trigger trigger, String reason, Map<String, ?> details) {
    TaskStatus from = task.status;
    TaskStatus to = require(task, trigger);
    Instant at = now(task);
    task.status = to;
    task.statusReason = reason;
    task.lastEventAt = at;
    if (to == TaskStatus.RUNNING && task.startedAt == null) {
      task.startedAt = at;
    }
    if (to.isTerminal()) {
      task.endedAt = at;
      task.leaseExpiresAt = null;
    } else if (to == TaskStatus.QUEUED) {
      task.endedAt = null;
      task.leaseExpiresAt = null;
      task.runnerId = null;
      task.cleanupAfter = null;
    }
    long seq =
        journal.append(
            task, at, JournalEntryType.STATUS_CHANGED, entry(from, to, trigger, reason, details));
    if (to.isTerminal() || to == TaskStatus.NEEDS_ASSISTANCE) {
      DeliveryState.expect(task, seq);
    }
    events.lifecycle(task, TaskLifecycleEvent.TYPE_STATUS_CHANGED, seq, at, from);
    announce(task, from, to);
  }

  /** The payload of the journal entry that records a status change. */
  static Map<String, Object> entry(
      TaskStatus from, TaskStatus to, Trigger trigger, String reason, Map<String, ?> details) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("from", from.wire());
    payload.put("to", to.wire());
    payload.put("trigger", trigger.name().toLowerCase(Locale.ROOT));
    if (reason != null) {
      payload.put("reason", reason);
    }
    payload.putAll(details);
    return payload;
  }

  /**
   * Counts a status change once it is committed and tells the features that follow task status; for
   * a change already recorded in the journal and the outbox.
   */
  void announce(TaskEntity task, TaskStatus from, TaskStatus to) {
    Duration took = to.isTerminal() ? Duration.between(task.createdAt, task.endedAt) : null;
    String runtime = task.runtime.wire();
    afterCommit(
        () -> {
          Counter.builder("tasklane.tasks.transitions")
              .description("Task status transitions")
              .tag("runtime", runtime)
              .tag("from", from.wire())
              .tag("to", to.wire())
              .register(meters)
              .increment();
          if (took != null) {
            Timer.builder("tasklane.tasks.duration")
                .description("Time from creation to a terminal status")
                .tag("runtime", runtime)
                .tag("status", to.wire())
                .publishPercentileHistogram()
                .register(meters)
                .record(took);
          }
        });
    publisher.publishEvent(
        new TaskStatusChanged(task.taskId, task.tenant, task.parentFlowId, from, to));
  }

  /** Metrics count what was committed, not attempts an optimistic-lock retry rolled back. */
  static void afterCommit(Runnable action) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      action.run();
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            action.run();
          }
        });
  }

  /** Tells the features that follow task status that a task was recorded. */
  void created(TaskEntity task) {
    publisher.publishEvent(
        new TaskStatusChanged(task.taskId, task.tenant, task.parentFlowId, null, task.status));
  }
}

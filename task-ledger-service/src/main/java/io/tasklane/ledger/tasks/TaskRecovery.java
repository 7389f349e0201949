package io.tasklane.ledger.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.TaskStatus;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What reconciliation does to one task. Each method re-checks the task under its row lock, so a
 * decision taken from a stale read (a heartbeat or a claim came in since) changes nothing.
 */
@Service
public class TaskRecovery {

  /** What reconciliation did to a task. */
  public enum Outcome {
    RECOVERED,
    LOST,
    REDISPATCHED,
    UNCHANGED
  }

  /**
   * Decides what becomes of a running task whose lease expired, from its executor and how often it
   * was recovered; {@code recovery.LeaseExpiry} is the policy.
   */
  @FunctionalInterface
  public interface ExpiredLeasePolicy {
    Outcome decide(Executor executor, int recoveries);
  }

  private final TaskRepository tasks;
  private final Transitions transitions;
  private final TaskEvents events;
  private final Journal journal;
  private final TaskJson taskJson;
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final MeterRegistry meters;

  TaskRecovery(
      TaskRepository tasks,
      Transitions transitions,
      TaskEvents events,
      Journal journal,
      TaskJson taskJson,
      JdbcClient jdbc,
      TransactionTemplate tx,
      MeterRegistry meters) {
    this.tasks = tasks;
    this.transitions = transitions;
    this.events = events;
    this.journal = journal;
    this.taskJson = taskJson;
    this.jdbc = jdbc;
    this.tx = tx;
    this.meters = meters;
  }

  /**
   * A running task whose lease expired before {@code cutoff}: queued again from its resume context
   * with attempt + 1, or lost, as {@code policy} decides.
   */
  @Retryable(includes = ConcurrencyFailureException.class, maxRetries = 5, delay = 5, jitter = 5)
  public Outcome reconcileExpiredLease(UUID taskId, Instant cutoff, ExpiredLeasePolicy policy) {
    return tx.execute(
        status -> {
          TaskEntity task = tasks.findById(taskId).orElse(null);
          if (task == null
              || task.status != TaskStatus.RUNNING
              || task.leaseExpiresAt == null
              || !task.leaseExpiresAt.isBefore(cutoff)) {
            return Outcome.UNCHANGED;
          }
          Instant expired = task.leaseExpiresAt;
          Outcome outcome = policy.decide(task.executor, task.recoveries);
          if (outcome == Outcome.RECOVERED) {
            task.recoveries++;
            requeue(
                task,
                "lease expired at " + expired + "; queued again",
                Map.of("action", "requeue", "leaseExpiredAt", expired.toString()));
          } else if (task.executor == Executor.EXTERNAL) {
            lose(task, "external executor stopped reporting; lease expired at " + expired);
          } else {
            lose(
                task,
                "lease expired at %s after %d recoveries".formatted(expired, task.recoveries));
          }
          tasks.saveAndFlush(task);
          return outcome;
        });
  }

  /**
   * Offers a queued runner task to the runners again, at the same attempt, when nobody claimed it
   * since {@code cutoff}.
   */
  @Retryable(includes = ConcurrencyFailureException.class, maxRetries = 5, delay = 5, jitter = 5)
  public Outcome redispatch(UUID taskId, Instant cutoff) {
    return tx.execute(
        status -> {
          TaskEntity task = tasks.findById(taskId).orElse(null);
          if (task == null) {
            return Outcome.UNCHANGED;
          }
          Instant at = transitions.now(task);
          int marked =
              jdbc.sql(
                      """
                      update tasks set last_dispatched_at = :at
                      where task_id = :taskId and status = 'queued' and executor = 'runner'
                        and attempt = :attempt
                        and greatest(last_event_at, coalesce(last_dispatched_at, last_event_at))
                            < :cutoff
                      """)
                  .param("at", Timestamp.from(at))
                  .param("taskId", taskId)
                  .param("attempt", task.attempt)
                  .param("cutoff", Timestamp.from(cutoff))
                  .update();
          if (marked == 0) {
            return Outcome.UNCHANGED;
          }
          journal.append(
              task,
              at,
              JournalEntryType.RECOVERY,
              Map.of("action", "redispatch", "attempt", task.attempt));
          events.dispatch(task, TaskDispatch.Reason.REDISPATCH, at);
          tasks.saveAndFlush(task);
          Counter.builder("tasklane.tasks.redispatched")
              .description("Queued tasks offered to the runners again because nobody claimed them")
              .register(meters)
              .increment();
          return Outcome.REDISPATCHED;
        });
  }

  /**
   * A runner that shuts down hands its running task back at a safe point: the task is queued again
   * at once from the resume context it handed back, attempt + 1, without waiting for its lease. A
   * hand-back is not a failure, so it does not use up a recovery. Called by {@link RunnerSide} in
   * the report's transaction, after it checked the attempt and the claim holder.
   */
  void handBack(TaskEntity task, String runnerId, String reason) {
    requeue(
        task,
        "handed back by " + runnerId + (reason == null ? "" : ": " + reason) + "; queued again",
        Map.of("action", "handed_back", "runnerId", runnerId));
  }

  private void requeue(TaskEntity task, String reason, Map<String, Object> details) {
    int fromAttempt = task.attempt;
    task.attempt++;
    int resumeFrom = taskJson.resumeContext(task).currentStep();
    transitions.apply(task, Trigger.RECOVER, reason, Map.of("attempt", task.attempt));
    Map<String, Object> payload = new java.util.LinkedHashMap<>(details);
    payload.put("fromAttempt", fromAttempt);
    payload.put("attempt", task.attempt);
    payload.put("recoveries", task.recoveries);
    payload.put("resumeFromStep", resumeFrom);
    journal.append(task, task.lastEventAt, JournalEntryType.RECOVERY, payload);
    events.dispatch(task, TaskDispatch.Reason.RECOVERY, task.lastEventAt);
    String action = String.valueOf(details.get("action"));
    Transitions.afterCommit(
        () ->
            Counter.builder("tasklane.recoveries")
                .description(
                    "Running tasks queued again: after their lease expired (requeue) or handed"
                        + " back by a runner that shut down (handed_back)")
                .tag("runtime", task.runtime.wire())
                .tag("action", action)
                .register(meters)
                .increment());
  }

  private void lose(TaskEntity task, String reason) {
    transitions.apply(task, Trigger.MARK_LOST, reason, Map.of());
    Counter.builder("tasklane.tasks.lost")
        .description("Tasks marked lost by reconciliation")
        .tag("executor", task.executor.wire())
        .register(meters)
        .increment();
  }
}

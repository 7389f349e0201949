package io.tasklane.ledger.tasks;

import io.tasklane.contracts.Executor;
import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.api.InvalidRequestException;
import io.tasklane.ledger.api.InvalidTransitionException;
import io.tasklane.ledger.api.LedgerProblem;
import io.tasklane.ledger.api.TaskNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reports from executors the ledger does not run (an ACP harness, a CLI job). A report must carry
 * the attempt the task is at; anything else is refused and changes nothing.
 */
@Service
public class ExternalExecutors {

  private final TaskRepository tasks;
  private final Transitions transitions;
  private final TaskEvents events;
  private final Journal journal;
  private final TaskJson taskJson;
  private final TransactionTemplate tx;
  private final Duration defaultLease;

  ExternalExecutors(
      TaskRepository tasks,
      Transitions transitions,
      TaskEvents events,
      Journal journal,
      TaskJson taskJson,
      TransactionTemplate tx,
      LedgerProperties properties) {
    this.tasks = tasks;
    this.transitions = transitions;
    this.events = events;
    this.journal = journal;
    this.taskJson = taskJson;
    this.tx = tx;
    this.defaultLease = properties.lease();
  }

  @RetryOnConflict
  public TaskView report(String tenant, UUID taskId, ExternalReport report) {
    if (report.attempt() == null) {
      throw new InvalidRequestException(
          "attempt", "attempt is required: it is the fencing token of the run");
    }
    return tx.execute(
        status -> {
          TaskEntity task =
              tasks
                  .findByTaskIdAndTenant(taskId, tenant)
                  .orElseThrow(() -> new TaskNotFoundException(taskId.toString()));
          if (task.executor != Executor.EXTERNAL) {
            throw new LedgerProblem(
                LedgerProblem.Kind.CONFLICT,
                "not-external",
                "Not an external task",
                "Task %s is run by the ledger's runners; they report over the broker"
                    .formatted(taskId));
          }
          if (report.attempt() != task.attempt) {
            throw new LedgerProblem(
                LedgerProblem.Kind.CONFLICT,
                "stale-attempt",
                "Stale attempt",
                "Task %s is at attempt %d; a report for attempt %d no longer applies"
                    .formatted(taskId, task.attempt, report.attempt()),
                Map.of("currentAttempt", task.attempt));
          }
          apply(task, report);
          return taskJson.view(tasks.saveAndFlush(task));
        });
  }

  private void apply(TaskEntity task, ExternalReport report) {
    switch (report.type()) {
      case STARTED -> {
        transitions.apply(task, Trigger.START, "started by external executor", Map.of());
        extendLease(task, report);
      }
      case PROGRESS -> {
        requireRunning(task, "report progress");
        if (report.summary() == null || report.summary().isBlank()) {
          throw new InvalidRequestException("summary", "a progress report needs a summary");
        }
        Instant at = transitions.now(task);
        task.progressSummary = report.summary();
        task.lastEventAt = at;
        extendLease(task, report);
        long seq =
            journal.append(
                task, at, JournalEntryType.PROGRESS, Map.of("summary", report.summary()));
        events.lifecycle(task, TaskLifecycleEvent.TYPE_PROGRESS, seq, at, task.status);
      }
      case HEARTBEAT -> {
        requireRunning(task, "heartbeat");
        task.lastEventAt = transitions.now(task);
        extendLease(task, report);
      }
      case FINISHED -> {
        if (report.outcome() == null) {
          throw new InvalidRequestException(
              "outcome",
              "a finished report needs an outcome: succeeded, failed, timed_out or cancelled");
        }
        Trigger trigger =
            switch (report.outcome()) {
              case SUCCEEDED -> Trigger.SUCCEED;
              case FAILED -> Trigger.FAIL;
              case TIMED_OUT -> Trigger.TIME_OUT;
              case CANCELLED -> Trigger.CANCEL;
              default ->
                  throw new InvalidRequestException(
                      "outcome",
                      "outcome must be succeeded, failed, timed_out or cancelled, not "
                          + report.outcome().wire());
            };
        requireRunning(task, "finish");
        task.terminalSummary = report.summary();
        task.error = report.error();
        transitions.apply(
            task,
            trigger,
            report.error() != null ? report.error() : "finished by external executor",
            Map.of());
      }
    }
  }

  private void extendLease(TaskEntity task, ExternalReport report) {
    Duration lease =
        report.leaseSeconds() == null ? defaultLease : Duration.ofSeconds(report.leaseSeconds());
    task.leaseExpiresAt = task.lastEventAt.plus(lease);
  }

  private static void requireRunning(TaskEntity task, String action) {
    if (task.status != TaskStatus.RUNNING) {
      throw new InvalidTransitionException(task.taskId, task.status, action);
    }
  }
}

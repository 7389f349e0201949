package io.tasklane.ledger.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.StepStatus;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.VerdictSource;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.api.ClaimHeldException;
import io.tasklane.ledger.api.NotClaimableException;
import io.tasklane.ledger.api.TaskNotFoundException;
import io.tasklane.ledger.budgets.DailyBudgets;
import io.tasklane.ledger.events.Outbox;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What runners and the notifier tell the ledger: claims, runner reports and delivery reports.
 * Reports are applied once per message id, and only for the attempt the task is at.
 */
@Service
public class RunnerSide {

  private static final Logger log = LoggerFactory.getLogger(RunnerSide.class);

  /** The status reason (prefix) of a task whose runner's {@code succeeded} was refused. */
  public static final String UNVERIFIED_SUCCESS_REFUSED = "unverified_success_refused";

  private final TaskRepository tasks;
  private final ClaimStatement claimStatement;
  private final ReportBatch reportBatch;
  private final Outbox outbox;
  private final TaskRecovery recovery;
  private final DeliveryState deliveryState;
  private final Transitions transitions;
  private final TaskEvents events;
  private final Journal journal;
  private final TaskJson taskJson;
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final LedgerProperties properties;
  private final MeterRegistry meters;
  private final Clock clock;
  private final ClaimAdmission claimAdmission;
  private final DailyBudgets dailyBudgets;
  private final TaskApprovals approvals;

  RunnerSide(
      TaskRepository tasks,
      ClaimStatement claimStatement,
      ReportBatch reportBatch,
      Outbox outbox,
      TaskRecovery recovery,
      DeliveryState deliveryState,
      Transitions transitions,
      TaskEvents events,
      Journal journal,
      TaskJson taskJson,
      JdbcClient jdbc,
      TransactionTemplate tx,
      LedgerProperties properties,
      MeterRegistry meters,
      Clock clock,
      ClaimAdmission claimAdmission,
      DailyBudgets dailyBudgets,
      TaskApprovals approvals) {
    this.tasks = tasks;
    this.claimStatement = claimStatement;
    this.reportBatch = reportBatch;
    this.outbox = outbox;
    this.recovery = recovery;
    this.deliveryState = deliveryState;
    this.transitions = transitions;
    this.events = events;
    this.journal = journal;
    this.taskJson = taskJson;
    this.jdbc = jdbc;
    this.tx = tx;
    this.properties = properties;
    this.meters = meters;
    this.clock = clock;
    this.claimAdmission = claimAdmission;
    this.dailyBudgets = dailyBudgets;
    this.approvals = approvals;
  }

  /** Compare-and-set {@code queued -> running} for exactly the claimed attempt. */
  @RetryOnConflict
  public TaskClaim.Granted claim(UUID taskId, TaskClaim claim) {
    try {
      return tx.execute(
          status -> {
            if (claimAdmission.mayHold()) {
              // a tenant may be at a limit: ask for a claim that would start the task
              TaskEntity task = tasks.findById(taskId).orElse(null);
              if (task != null
                  && task.status == TaskStatus.QUEUED
                  && task.attempt == claim.attempt()) {
                claimAdmission.admit(task.tenant, taskId);
              }
            }
            TaskEntity claimed = claimStatement.claim(taskId, claim).orElse(null);
            if (claimed != null) {
              return granted(claimed);
            }
            TaskEntity task =
                tasks
                    .findById(taskId)
                    .orElseThrow(() -> new TaskNotFoundException(taskId.toString()));
            if (task.status == TaskStatus.RUNNING
                && task.attempt == claim.attempt()
                && claim.runnerId().equals(task.runnerId)) {
              // the same runner asks again for the attempt it holds: its first answer was lost
              // on the way (a runner that runs the attempt never claims it again)
              return granted(task);
            }
            throw new NotClaimableException(taskId, task.status, task.attempt, claim.attempt());
          });
    } catch (ClaimHeldException held) {
      throw claimAdmission.held(held, taskId);
    }
  }

  private TaskClaim.Granted granted(TaskEntity task) {
    return new TaskClaim.Granted(
        task.taskId,
        task.tenant,
        task.attempt,
        task.runId,
        task.goal,
        task.label,
        task.childSessionKey,
        task.notifyPolicy,
        task.plan.stream().map(PlanStepRow::toStep).toList(),
        task.currentStep,
        approvals.handOut(task, taskJson.resumeContext(task)),
        effectiveModelOptions(task),
        task.leaseExpiresAt,
        taskJson.metadata(task));
  }

  @Retryable(includes = ConcurrencyFailureException.class, maxRetries = 8, delay = 5, jitter = 5)
  public void apply(RunnerReport report) {
    if (report instanceof RunnerReport.Heartbeat heartbeat) {
      heartbeat(heartbeat);
      return;
    }
    tx.executeWithoutResult(
        status -> {
          if (!firstDelivery(report.reportId())) {
            return;
          }
          TaskEntity task = tasks.findById(report.taskId()).orElse(null);
          applyOne(task, report);
          if (task != null) {
            tasks.flush();
          }
        });
  }

  /**
   * Applies the reports of one poll in one transaction, in their order: one statement records every
   * report id, one reads every task they are about, and the changed tasks and their plan steps are
   * written at the end ({@link ReportBatch}), with all their journal entries and outbox messages.
   * Each report passes the same checks as {@link #apply(RunnerReport)} does. When anything fails
   * the whole batch rolls back, so the caller can apply its reports one by one instead.
   */
  public void applyBatch(List<RunnerReport> reports) {
    if (reports.isEmpty()) {
      return;
    }
    tx.executeWithoutResult(
        status -> {
          journal.deferUntilCommit();
          outbox.deferUntilCommit();
          Set<UUID> fresh =
              firstDeliveries(
                  reports.stream()
                      .filter(report -> !(report instanceof RunnerReport.Heartbeat))
                      .map(RunnerReport::reportId)
                      .distinct()
                      .toList());
          Map<UUID, TaskEntity> loaded = new HashMap<>();
          Set<UUID> reported = new LinkedHashSet<>();
          for (RunnerReport report : reports) {
            if (fresh.contains(report.reportId())) {
              reported.add(report.taskId());
            }
          }
          if (!reported.isEmpty()) {
            loaded.putAll(reportBatch.load(reported));
          }
          Set<TaskEntity> changed = new LinkedHashSet<>();
          for (RunnerReport report : reports) {
            if (report instanceof RunnerReport.Heartbeat heartbeat) {
              TaskEntity task = loaded.get(heartbeat.taskId());
              if (task == null) {
                heartbeat(heartbeat);
              } else if (heartbeat(task, heartbeat)) {
                changed.add(task);
              }
            } else if (fresh.remove(report.reportId())) {
              TaskEntity task = loaded.get(report.taskId());
              if (applyOne(task, report)) {
                changed.add(task);
              }
            }
          }
          reportBatch.write(changed);
          journal.writeDeferred();
          outbox.writeDeferred();
          tasks.flush();
        });
  }

  /**
   * Applies one first-delivered report to its task (null when there is no such task); returns
   * whether it changed the task.
   */
  private boolean applyOne(TaskEntity task, RunnerReport report) {
    if (task == null || !task.tenant.equals(report.tenant())) {
      ignored("unknown_task", report);
      return false;
    }
    if (task.attempt != report.attempt()) {
      ignored("stale_attempt", report);
      return false;
    }
    if (task.status != TaskStatus.RUNNING) {
      ignored("not_running", report);
      return false;
    }
    if (isSuccess(report)) {
      String refusal = successRefusal(task, report);
      if (refusal != null) {
        refuseSuccess(task, report, refusal);
        return true;
      }
    } else if (!report.runnerId().equals(task.runnerId)) {
      ignored("not_claim_holder", report);
      return false;
    }
    applyTo(task, report);
    if (task.status == TaskStatus.RUNNING && task.leaseExpiresAt != null) {
      // any report of the claim holder shows it is alive, as a heartbeat does
      Instant alive = task.lastEventAt.plus(properties.lease());
      if (alive.isAfter(task.leaseExpiresAt)) {
        task.leaseExpiresAt = alive;
      }
    }
    return true;
  }

  @Retryable(includes = ConcurrencyFailureException.class, maxRetries = 8, delay = 5, jitter = 5)
  public void apply(DeliveryReport report) {
    tx.executeWithoutResult(
        status -> {
          if (!firstDelivery(report.reportId())) {
            return;
          }
          TaskEntity task = tasks.findById(report.taskId()).orElse(null);
          if (task == null || !task.tenant.equals(report.tenant())) {
            log.info("Ignored delivery report for unknown task {}", report.taskId());
            return;
          }
          deliveryState.report(task, report, transitions.now(task));
          tasks.saveAndFlush(task);
        });
  }

  /**
   * Heartbeats are most of what runners send (one per running task every couple of seconds), so
   * each is one conditional update rather than a read, a dedupe row and a write: it extends the
   * lease of exactly the attempt its runner holds, or changes nothing. Repeating one is harmless.
   * The version moves, so a writer that read the task before it retries instead of putting the old
   * lease back.
   */
  private void heartbeat(RunnerReport.Heartbeat heartbeat) {
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    int extended =
        jdbc.sql(
                """
                update tasks
                   set lease_expires_at = greatest(lease_expires_at, :until),
                       last_event_at = greatest(last_event_at, :at), version = version + 1
                 where task_id = :taskId and tenant = :tenant and attempt = :attempt
                   and runner_id = :runnerId and status = 'running'
                """)
            .param("until", Timestamp.from(leaseUntil(heartbeat, at)))
            .param("at", Timestamp.from(at))
            .param("taskId", heartbeat.taskId())
            .param("tenant", heartbeat.tenant())
            .param("attempt", heartbeat.attempt())
            .param("runnerId", heartbeat.runnerId())
            .update();
    if (extended == 0) {
      ignored("no_running_attempt", heartbeat);
    }
  }

  /**
   * The same change as {@link #heartbeat(RunnerReport.Heartbeat)}, made on a task this transaction
   * has loaded (and will write) anyway; returns whether it applied.
   */
  private boolean heartbeat(TaskEntity task, RunnerReport.Heartbeat heartbeat) {
    if (!task.tenant.equals(heartbeat.tenant())
        || task.attempt != heartbeat.attempt()
        || !heartbeat.runnerId().equals(task.runnerId)
        || task.status != TaskStatus.RUNNING) {
      ignored("no_running_attempt", heartbeat);
      return false;
    }
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant until = leaseUntil(heartbeat, at);
    if (task.leaseExpiresAt == null || until.isAfter(task.leaseExpiresAt)) {
      task.leaseExpiresAt = until;
    }
    if (task.lastEventAt == null || at.isAfter(task.lastEventAt)) {
      task.lastEventAt = at;
    }
    return true;
  }

  /**
   * A heartbeat's lease runs from when the runner sent it (never later than now), not from when
   * this ledger got to it: the lease pass already waits out how far behind the reports are, so a
   * lease counted from the time of reading would count that delay twice and hold a dead runner's
   * tasks for longer. A runner clock that runs behind shortens its leases by its skew and adds as
   * much to the report lag the pass waits for, so the two cancel.
   */
  private static Instant leaseUntil(RunnerReport.Heartbeat heartbeat, Instant now) {
    Instant sent = heartbeat.at() == null || heartbeat.at().isAfter(now) ? now : heartbeat.at();
    return sent.plusSeconds(Math.max(1, heartbeat.leaseSeconds()));
  }

  private void applyTo(TaskEntity task, RunnerReport report) {
    Instant at = transitions.now(task);
    switch (report) {
      case RunnerReport.PlanProposed plan -> {
        if (task.plan.isEmpty()) {
          plan.plan().forEach(step -> task.plan.add(new PlanStepRow(step)));
          journal.append(task, at, JournalEntryType.PLAN_SET, Map.of("steps", plan.plan()));
        }
        task.lastEventAt = at;
      }
      case RunnerReport.StepStarted started -> {
        stepRow(task, started.stepIndex())
            .ifPresent(
                row -> {
                  row.status = StepStatus.RUNNING;
                  row.attempts++;
                });
        task.currentStep = started.stepIndex();
        task.lastEventAt = at;
        journal.append(
            task, at, JournalEntryType.STEP_STARTED, Map.of("step", started.stepIndex()));
      }
      case RunnerReport.ToolCalled call -> {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("step", call.stepIndex());
        payload.put("callId", call.callId());
        payload.put("tool", call.tool());
        payload.put("arguments", call.arguments());
        payload.put("result", call.result());
        payload.put("error", call.error());
        payload.put("durationMillis", call.durationMillis());
        task.lastEventAt = at;
        journal.append(task, at, JournalEntryType.TOOL_CALL, payload);
      }
      case RunnerReport.StepVerdict verdict -> {
        stepRow(task, verdict.stepIndex())
            .ifPresent(
                row -> {
                  row.verdict = verdict.reason();
                  if (verdict.passed()) {
                    row.status = StepStatus.VERIFIED;
                  }
                });
        if (verdict.passed()) {
          task.currentStep = Math.max(task.currentStep, verdict.stepIndex() + 1);
        }
        saveResumeContext(task, verdict.resumeContext());
        task.lastEventAt = at;
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("step", verdict.stepIndex());
        payload.put("passed", verdict.passed());
        payload.put("reason", verdict.reason() == null ? "" : verdict.reason());
        payload.put(
            "verifierModel", verdict.verifierModel() == null ? "" : verdict.verifierModel());
        payload.put(
            "decidedBy",
            verdict.decidedBy() == null
                ? VerdictSource.MODEL_JUDGED.wire()
                : verdict.decidedBy().wire());
        if (verdict.answer() != null) {
          payload.put("answer", verdict.answer());
        }
        journal.append(task, at, JournalEntryType.VERDICT, payload);
      }
      case RunnerReport.Heartbeat heartbeat -> {
        // applied by heartbeat() as one update, never through a loaded task
      }
      case RunnerReport.Progress progress -> {
        task.progressSummary = progress.summary();
        task.lastEventAt = at;
        long seq =
            journal.append(
                task, at, JournalEntryType.PROGRESS, Map.of("summary", progress.summary()));
        events.lifecycle(task, TaskLifecycleEvent.TYPE_PROGRESS, seq, at, task.status);
      }
      case RunnerReport.Paused paused -> {
        saveResumeContext(task, paused.resumeContext());
        transitions.apply(task, Trigger.PAUSE, paused.reason(), Map.of());
      }
      case RunnerReport.NeedsAssistance help -> {
        saveResumeContext(task, approvals.asked(task, help, at));
        transitions.apply(task, Trigger.NEEDS_ASSISTANCE, help.reason(), Map.of());
      }
      case RunnerReport.HandedBack handedBack -> {
        saveResumeContext(task, handedBack.resumeContext());
        recovery.handBack(task, handedBack.runnerId(), handedBack.reason());
      }
      case RunnerReport.Finished finished -> {
        saveResumeContext(task, finished.resumeContext());
        task.terminalSummary = finished.summary();
        task.error = finished.error();
        Trigger trigger =
            switch (finished.outcome()) {
              case SUCCEEDED -> Trigger.SUCCEED;
              case TIMED_OUT -> Trigger.TIME_OUT;
              case CANCELLED -> Trigger.CANCEL;
              default -> Trigger.FAIL;
            };
        transitions.apply(task, trigger, finished.error(), Map.of());
      }
    }
  }

  private static boolean isSuccess(RunnerReport report) {
    return report instanceof RunnerReport.Finished finished
        && finished.outcome() == TaskStatus.SUCCEEDED;
  }

  /**
   * Why a {@code succeeded} report must not be believed, or null: it comes from a runner that does
   * not hold the claim, the task has no plan, or a step has no passing verdict or check on record.
   */
  private static String successRefusal(TaskEntity task, RunnerReport report) {
    if (!report.runnerId().equals(task.runnerId)) {
      return "not_claim_holder";
    }
    if (task.plan.isEmpty()) {
      return "no_plan";
    }
    boolean allVerified = task.plan.stream().allMatch(row -> row.status == StepStatus.VERIFIED);
    return allVerified ? null : "unverified_steps";
  }

  private void refuseSuccess(TaskEntity task, RunnerReport report, String why) {
    String detail =
        switch (why) {
          case "not_claim_holder" ->
              "runner "
                  + report.runnerId()
                  + " does not hold the claim (held by "
                  + task.runnerId
                  + " at attempt "
                  + task.attempt
                  + ")";
          case "no_plan" -> "the task has no plan, so nothing was verified";
          default ->
              "no passing verdict or check on record for step(s) "
                  + task.plan.stream()
                      .filter(row -> row.status != StepStatus.VERIFIED)
                      .map(row -> String.valueOf(row.stepIndex + 1))
                      .collect(java.util.stream.Collectors.joining(", "));
        };
    if (why.equals("not_claim_holder")) {
      log.warn(
          "Refused succeeded for task {} from {}: not the claim holder",
          task.taskId,
          report.runnerId());
    } else if (report instanceof RunnerReport.Finished finished) {
      saveResumeContext(task, finished.resumeContext());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("refused", TaskStatus.SUCCEEDED.wire());
    details.put("refusal", why);
    details.put("reportRunnerId", report.runnerId());
    transitions.apply(
        task, Trigger.NEEDS_ASSISTANCE, UNVERIFIED_SUCCESS_REFUSED + ": " + detail, details);
    Transitions.afterCommit(
        () ->
            Counter.builder("tasklane.tasks.unverified.success.refused")
                .description("Runner reports of succeeded the ledger refused as unverified")
                .tag("reason", why)
                .register(meters)
                .increment());
  }

  private ModelOptions effectiveModelOptions(TaskEntity task) {
    ModelOptions options = taskJson.modelOptions(task);
    if (task.runTimeoutSeconds == null || options != null && options.runTimeoutSeconds() != null) {
      return options;
    }
    return options == null
        ? new ModelOptions(null, null, null, null, null, task.runTimeoutSeconds)
        : new ModelOptions(
            options.model(),
            options.plannerModel(),
            options.verifierModel(),
            options.toolsAllowed(),
            options.roundTimeoutSeconds(),
            task.runTimeoutSeconds,
            options.approvals(),
            options.budget());
  }

  private void saveResumeContext(TaskEntity task, ResumeContext context) {
    if (context != null && dailyBudgets.countsTokens(task.tenant)) {
      dailyBudgets.reported(task.tenant, taskJson.resumeContext(task).usage(), context.usage());
    }
    if (context != null) {
      task.resumeContext = taskJson.write(context);
    }
  }

  private static java.util.Optional<PlanStepRow> stepRow(TaskEntity task, int index) {
    return task.plan.stream().filter(row -> row.stepIndex == index).findFirst();
  }

  private boolean firstDelivery(UUID messageId) {
    return jdbc.sql(
                "insert into processed_messages (message_id, processed_at) values (:id, :at)"
                    + " on conflict do nothing")
            .param("id", messageId)
            .param("at", Timestamp.from(Instant.now()))
            .update()
        == 1;
  }

  /** Records the report ids in one statement; returns those not recorded before. */
  private Set<UUID> firstDeliveries(List<UUID> messageIds) {
    if (messageIds.isEmpty()) {
      return new HashSet<>();
    }
    return new HashSet<>(
        jdbc.sql(
                """
                insert into processed_messages (message_id, processed_at)
                select id, :at from unnest(:ids::uuid[]) as id
                on conflict do nothing returning message_id
                """)
            .param("ids", messageIds.toArray(UUID[]::new))
            .param("at", Timestamp.from(Instant.now()))
            .query(UUID.class)
            .list());
  }

  private void ignored(String reason, RunnerReport report) {
    log.info(
        "Ignored {} report for task {} attempt {}: {}",
        report.getClass().getSimpleName(),
        report.taskId(),
        report.attempt(),
        reason);
    Counter.builder("tasklane.reports.ignored")
        .description("Runner reports ignored because they no longer apply")
        .tag("reason", reason)
        .register(meters)
        .increment();
  }
}

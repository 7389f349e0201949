package io.tasklane.ledger.tasks;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The tasks a batch of runner reports is about, read in one statement and written back in one: an
 * update of every changed task row with an upsert of their plan steps that touches only the steps
 * that changed (a verdict is one row, not the plan deleted and inserted again). The tasks are plain
 * objects no persistence context holds, so nothing else writes them; each row is written only if
 * its version is still the one read, as Hibernate's optimistic lock would.
 */
@Component
class ReportBatch {

  private final JdbcClient jdbc;
  private final TaskQueries queries;

  ReportBatch(JdbcClient jdbc, TaskQueries queries) {
    this.jdbc = jdbc;
    this.queries = queries;
  }

  /** The tasks with these ids, with their plans, by id. */
  Map<UUID, TaskEntity> load(Collection<UUID> taskIds) {
    Map<UUID, TaskEntity> loaded = new HashMap<>();
    jdbc.sql(
            """
            select t.*, %s
            from tasks t where t.task_id = any(:taskIds::uuid[])
            """
                .formatted(TaskQueries.PLAN_JSON))
        .param("taskIds", taskIds.toArray(UUID[]::new))
        .query(queries::task)
        .list()
        .forEach(task -> loaded.put(task.taskId, task));
    return loaded;
  }

  /**
   * Writes the columns a runner report can change and the plan steps of these tasks, in the
   * caller's transaction. Throws {@link OptimisticLockingFailureException} when another transaction
   * wrote one of them since it was read, so the caller's transaction rolls back.
   */
  void write(Collection<TaskEntity> changed) {
    if (changed.isEmpty()) {
      return;
    }
    List<TaskEntity> rows = List.copyOf(changed);
    List<Map.Entry<UUID, PlanStepRow>> steps =
        rows.stream()
            .flatMap(task -> task.plan.stream().map(step -> Map.entry(task.taskId, step)))
            .toList();
    long written =
        jdbc.sql(
                """
                with written as (
                update tasks t
                   set status = u.status, status_reason = u.status_reason,
                       delivery_status = u.delivery_status, delivery_sequence = u.delivery_sequence,
                       attempt = u.attempt, runner_id = u.runner_id,
                       lease_expires_at = u.lease_expires_at::timestamptz,
                       current_step = u.current_step, resume_context = u.resume_context::jsonb,
                       started_at = u.started_at::timestamptz,
                       last_event_at = u.last_event_at::timestamptz,
                       ended_at = u.ended_at::timestamptz,
                       cleanup_after = u.cleanup_after::timestamptz, error = u.error,
                       progress_summary = u.progress_summary,
                       terminal_summary = u.terminal_summary, journal_seq = u.journal_seq,
                       recoveries = u.recoveries, version = t.version + 1
                  from unnest(:taskIds::uuid[], :versions::bigint[], :statuses::text[],
                              :statusReasons::text[], :deliveryStatuses::text[],
                              :deliverySequences::bigint[], :attempts::int[], :runnerIds::text[],
                              :leases::text[], :currentSteps::int[], :resumeContexts::text[],
                              :startedAts::text[], :lastEventAts::text[], :endedAts::text[],
                              :cleanupAfters::text[], :errors::text[], :progressSummaries::text[],
                              :terminalSummaries::text[], :journalSeqs::bigint[],
                              :recoveries::int[])
                    as u(task_id, version, status, status_reason, delivery_status,
                         delivery_sequence, attempt, runner_id, lease_expires_at, current_step,
                         resume_context, started_at, last_event_at, ended_at, cleanup_after,
                         error, progress_summary, terminal_summary, journal_seq, recoveries)
                 where t.task_id = u.task_id and t.version = u.version
                returning t.task_id
                ), steps as (
                insert into plan_steps (task_id, step_index, description, done_when, status,
                  attempts, verdict, done_check)
                select s.task_id, s.step_index, s.description, s.done_when, s.status, s.attempts,
                       s.verdict, s.done_check::jsonb
                from unnest(:stepTaskIds::uuid[], :stepIndexes::int[], :stepDescriptions::text[],
                            :stepDoneWhens::text[], :stepStatuses::text[], :stepAttempts::int[],
                            :stepVerdicts::text[], :stepChecks::text[])
                  as s(task_id, step_index, description, done_when, status, attempts, verdict,
                       done_check)
                on conflict (task_id, step_index) do update
                   set status = excluded.status, attempts = excluded.attempts,
                       verdict = excluded.verdict
                 where (plan_steps.status, plan_steps.attempts, plan_steps.verdict)
                       is distinct from (excluded.status, excluded.attempts, excluded.verdict)
                )
                select count(*) from written
                """)
            .param("taskIds", column(rows, task -> task.taskId, UUID[]::new))
            .param("versions", column(rows, task -> task.version, Long[]::new))
            .param("statuses", column(rows, task -> task.status.wire(), String[]::new))
            .param("statusReasons", column(rows, task -> task.statusReason, String[]::new))
            .param(
                "deliveryStatuses", column(rows, task -> task.deliveryStatus.wire(), String[]::new))
            .param("deliverySequences", column(rows, task -> task.deliverySequence, Long[]::new))
            .param("attempts", column(rows, task -> task.attempt, Integer[]::new))
            .param("runnerIds", column(rows, task -> task.runnerId, String[]::new))
            .param("leases", column(rows, task -> text(task.leaseExpiresAt), String[]::new))
            .param("currentSteps", column(rows, task -> task.currentStep, Integer[]::new))
            .param("resumeContexts", column(rows, task -> task.resumeContext, String[]::new))
            .param("startedAts", column(rows, task -> text(task.startedAt), String[]::new))
            .param("lastEventAts", column(rows, task -> text(task.lastEventAt), String[]::new))
            .param("endedAts", column(rows, task -> text(task.endedAt), String[]::new))
            .param("cleanupAfters", column(rows, task -> text(task.cleanupAfter), String[]::new))
            .param("errors", column(rows, task -> task.error, String[]::new))
            .param("progressSummaries", column(rows, task -> task.progressSummary, String[]::new))
            .param("terminalSummaries", column(rows, task -> task.terminalSummary, String[]::new))
            .param("journalSeqs", column(rows, task -> task.journalSeq, Long[]::new))
            .param("recoveries", column(rows, task -> task.recoveries, Integer[]::new))
            .param("stepTaskIds", column(steps, Map.Entry::getKey, UUID[]::new))
            .param("stepIndexes", column(steps, step -> step.getValue().stepIndex, Integer[]::new))
            .param(
                "stepDescriptions",
                column(steps, step -> step.getValue().description, String[]::new))
            .param("stepDoneWhens", column(steps, step -> step.getValue().doneWhen, String[]::new))
            .param(
                "stepStatuses", column(steps, step -> step.getValue().status.wire(), String[]::new))
            .param("stepAttempts", column(steps, step -> step.getValue().attempts, Integer[]::new))
            .param("stepVerdicts", column(steps, step -> step.getValue().verdict, String[]::new))
            .param(
                "stepChecks",
                column(steps, step -> PlanStepRow.checkJson(step.getValue().check), String[]::new))
            .query(Long.class)
            .single();
    if (written != rows.size()) {
      throw new OptimisticLockingFailureException(
          "A task of this report batch changed while the batch was applied");
    }
    rows.forEach(task -> task.version++);
  }

  private static <R, T> T[] column(
      List<R> rows, Function<R, T> value, java.util.function.IntFunction<T[]> array) {
    return rows.stream().map(value).toArray(array);
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}

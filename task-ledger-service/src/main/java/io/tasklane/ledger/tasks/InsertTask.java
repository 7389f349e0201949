package io.tasklane.ledger.tasks;

import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.StepStatus;
import io.tasklane.ledger.events.Outbox;
import io.tasklane.ledger.events.TraceContext;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a new task with its plan, its creation journal entry and its outgoing messages in one
 * statement: creation is the ledger's busiest write, and one round trip instead of five is most of
 * its cost.
 */
@Component
class InsertTask {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Outbox outbox;
  private final TraceContext trace;

  InsertTask(JdbcClient jdbc, JsonMapper json, Outbox outbox, TraceContext trace) {
    this.jdbc = jdbc;
    this.json = json;
    this.outbox = outbox;
    this.trace = trace;
  }

  /**
   * Inserts the task in the caller's transaction. Foreign keys from the plan, journal and outbox
   * rows are checked at the end of the statement, when the task row exists.
   */
  void insert(TaskEntity task, Map<String, ?> createdEntry, List<Outbox.Message> messages) {
    Timestamp at = Timestamp.from(task.createdAt);
    jdbc.sql(
            """
            with task as (
              insert into tasks (task_id, tenant, runtime, executor, label, goal, status,
                delivery_status, notify_policy, requester_session_key, owner_key,
                child_session_key, run_id, parent_flow_id, parent_task_id, attempt,
                current_step, model_options, run_timeout_seconds, created_at, last_event_at,
                metadata, journal_seq, recoveries, version, trace_parent)
              values (:taskId, :tenant, :runtime, :executor, :label, :goal, :status,
                :deliveryStatus, :notifyPolicy, :requesterSessionKey, :ownerKey,
                :childSessionKey, :runId, :parentFlowId, :parentTaskId, :attempt,
                0, :modelOptions::jsonb, :runTimeoutSeconds, :at, :at,
                :metadata::jsonb, :seq, 0, 0, :traceParent)
            ), plan as (
              insert into plan_steps (task_id, step_index, description, done_when, status, attempts,
                done_check)
              select :taskId, s.n - 1, s.description, s.done_when, :stepStatus, 0, s.done_check::jsonb
              from unnest(:stepDescriptions::text[], :stepDoneWhens::text[], :stepChecks::text[])
                with ordinality as s(description, done_when, done_check, n)
            ), entry as (
              insert into journal (task_id, seq, at, attempt, type, payload)
              values (:taskId, :seq, :at, :attempt, :entryType, :entryPayload::jsonb)
            )
            insert into outbox (topic, message_key, tenant, task_id, payload, created_at,
              trace_parent)
            select m.topic, :key, :tenant, :taskId, m.payload::jsonb, :at, :traceParent
            from unnest(:topics::text[], :payloads::text[]) with ordinality as m(topic, payload, n)
            order by m.n
            """)
        .param("taskId", task.taskId)
        .param("tenant", task.tenant)
        .param("runtime", task.runtime.wire())
        .param("executor", task.executor.wire())
        .param("label", task.label)
        .param("goal", task.goal)
        .param("status", task.status.wire())
        .param("deliveryStatus", task.deliveryStatus.wire())
        .param("notifyPolicy", task.notifyPolicy.wire())
        .param("requesterSessionKey", task.requesterSessionKey)
        .param("ownerKey", task.ownerKey)
        .param("childSessionKey", task.childSessionKey)
        .param("runId", task.runId)
        .param("parentFlowId", task.parentFlowId)
        .param("parentTaskId", task.parentTaskId)
        .param("attempt", task.attempt)
        .param("modelOptions", task.modelOptions)
        .param("runTimeoutSeconds", task.runTimeoutSeconds)
        .param("at", at)
        .param("metadata", task.metadata)
        .param("seq", task.journalSeq)
        .param("traceParent", trace.current())
        .param("stepStatus", StepStatus.PENDING.wire())
        .param(
            "stepDescriptions",
            task.plan.stream().map(step -> step.description).toArray(String[]::new))
        .param(
            "stepDoneWhens", task.plan.stream().map(step -> step.doneWhen).toArray(String[]::new))
        .param(
            "stepChecks",
            task.plan.stream()
                .map(step -> PlanStepRow.checkJson(step.check))
                .toArray(String[]::new))
        .param("entryType", JournalEntryType.CREATED.wire())
        .param("entryPayload", json.writeValueAsString(createdEntry))
        .param("key", task.taskId.toString())
        .param("topics", messages.stream().map(Outbox.Message::topic).toArray(String[]::new))
        .param("payloads", messages.stream().map(Outbox.Message::payload).toArray(String[]::new))
        .update();
    task.traceParent = trace.current();
    outbox.wakeRelayAfterCommit();
  }
}

package io.tasklane.ledger.tasks;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.WireEnum;
import io.tasklane.ledger.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Read-side queries written as plain SQL: keyset paging and the lookups. */
@Component
class TaskQueries {

  private static final TypeReference<List<PlanStep>> PLAN = new TypeReference<>() {};

  /** The plan of the task row {@code t} as one JSON column, in the shape {@link #task} reads. */
  static final String PLAN_JSON =
      """
      (select json_agg(json_build_object('index', p.step_index,
         'description', p.description, 'doneWhen', p.done_when, 'status', p.status,
         'attempts', p.attempts, 'verdict', p.verdict, 'check', p.done_check)
         order by p.step_index)
       from plan_steps p where p.task_id = t.task_id)::text as plan_json""";

  private final JdbcClient jdbc;
  private final JsonMapper json;

  TaskQueries(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * Every task the lookup could mean at its best rank, with its plan, in one statement. Ranks: task
   * id, then run id (up to 20, newest first), then child session key, then the newest task of a
   * requester session key. More than one row means the lookup is ambiguous.
   */
  List<TaskEntity> lookup(String tenant, String lookup, UUID asTaskId) {
    return jdbc.sql(
            """
            with matches as (
              (select task_id, 1 as rank from tasks where tenant = :tenant and task_id = :taskId)
              union all
              (select task_id, 2 from tasks where tenant = :tenant and run_id = :lookup
               order by created_at desc, task_id desc limit 20)
              union all
              (select task_id, 3 from tasks where tenant = :tenant and child_session_key = :lookup)
              union all
              (select task_id, 4 from tasks where tenant = :tenant and requester_session_key = :lookup
               order by created_at desc, task_id desc limit 1)
            )
            select t.*, %s
            from tasks t
            where t.tenant = :tenant
              and t.task_id in (select task_id from matches
                                where rank = (select min(rank) from matches))
            order by t.created_at desc, t.task_id desc
            """
                .formatted(PLAN_JSON))
        .param("tenant", tenant)
        .param("lookup", lookup)
        .param("taskId", asTaskId, java.sql.Types.OTHER)
        .query(this::task)
        .list();
  }

  /** A task row with its {@link #PLAN_JSON} column, as an entity no persistence context holds. */
  TaskEntity task(ResultSet rs, int row) throws SQLException {
    TaskEntity task = new TaskEntity();
    task.taskId = rs.getObject("task_id", UUID.class);
    task.tenant = rs.getString("tenant");
    task.runtime = WireEnum.parse(Runtime.class, rs.getString("runtime"));
    task.executor = WireEnum.parse(Executor.class, rs.getString("executor"));
    task.label = rs.getString("label");
    task.goal = rs.getString("goal");
    task.status = WireEnum.parse(TaskStatus.class, rs.getString("status"));
    task.statusReason = rs.getString("status_reason");
    task.deliveryStatus = WireEnum.parse(DeliveryStatus.class, rs.getString("delivery_status"));
    task.deliverySequence = rs.getLong("delivery_sequence");
    task.notifyPolicy = WireEnum.parse(NotifyPolicy.class, rs.getString("notify_policy"));
    task.requesterSessionKey = rs.getString("requester_session_key");
    task.ownerKey = rs.getString("owner_key");
    task.childSessionKey = rs.getString("child_session_key");
    task.runId = rs.getString("run_id");
    task.parentFlowId = rs.getObject("parent_flow_id", UUID.class);
    task.parentTaskId = rs.getObject("parent_task_id", UUID.class);
    task.attempt = rs.getInt("attempt");
    task.runnerId = rs.getString("runner_id");
    task.leaseExpiresAt = instant(rs, "lease_expires_at");
    task.currentStep = rs.getInt("current_step");
    task.resumeContext = rs.getString("resume_context");
    task.modelOptions = rs.getString("model_options");
    task.runTimeoutSeconds = rs.getObject("run_timeout_seconds", Integer.class);
    task.createdAt = instant(rs, "created_at");
    task.startedAt = instant(rs, "started_at");
    task.lastEventAt = instant(rs, "last_event_at");
    task.endedAt = instant(rs, "ended_at");
    task.cleanupAfter = instant(rs, "cleanup_after");
    task.error = rs.getString("error");
    task.progressSummary = rs.getString("progress_summary");
    task.terminalSummary = rs.getString("terminal_summary");
    task.metadata = rs.getString("metadata");
    task.journalSeq = rs.getLong("journal_seq");
    task.recoveries = rs.getInt("recoveries");
    task.version = rs.getLong("version");
    task.traceParent = rs.getString("trace_parent");
    String plan = rs.getString("plan_json");
    if (plan != null) {
      for (PlanStep step : json.readValue(plan, PLAN)) {
        task.plan.add(new PlanStepRow(step));
      }
    }
    task.markStored();
    return task;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp at = rs.getTimestamp(column);
    return at == null ? null : at.toInstant();
  }

  /** Newest first; the cursor is the (createdAt, taskId) of the last row of the previous page. */
  TaskPage page(String tenant, TaskFilter filter, String cursor, int limit) {
    StringBuilder sql =
        new StringBuilder(
            """
            select task_id, runtime, label, status, delivery_status, notify_policy, run_id,
                   child_session_key, requester_session_key, parent_flow_id, attempt, created_at,
                   last_event_at, progress_summary, terminal_summary, status_reason, current_step,
                   (select count(*) from plan_steps p where p.task_id = tasks.task_id) as step_count
            from tasks where tenant = :tenant
            """);
    Map<String, Object> params = new HashMap<>();
    params.put("tenant", tenant);
    if (filter.statuses() != null && !filter.statuses().isEmpty()) {
      sql.append(" and status in (:statuses)");
      params.put("statuses", filter.statuses().stream().map(TaskStatus::wire).toList());
    }
    if (filter.runtime() != null) {
      sql.append(" and runtime = :runtime");
      params.put("runtime", filter.runtime().wire());
    }
    if (filter.flowId() != null) {
      sql.append(" and parent_flow_id = :flowId");
      params.put("flowId", filter.flowId());
    }
    if (filter.session() != null && !filter.session().isBlank()) {
      sql.append(" and (requester_session_key = :session or child_session_key = :session)");
      params.put("session", filter.session());
    }
    if (filter.label() != null && !filter.label().isBlank()) {
      sql.append(" and label ilike :label");
      params.put("label", "%" + escapeLike(filter.label()) + "%");
    }
    if (cursor != null && !cursor.isBlank()) {
      Cursor position = Cursor.decode(cursor);
      sql.append(" and (created_at, task_id) < (:cursorAt, :cursorId)");
      params.put("cursorAt", Timestamp.from(position.createdAt()));
      params.put("cursorId", position.taskId());
    }
    sql.append(" order by created_at desc, task_id desc limit :limit");
    params.put("limit", limit + 1);
    List<TaskSummary> rows =
        new ArrayList<>(jdbc.sql(sql.toString()).params(params).query(TaskQueries::summary).list());
    String next = null;
    if (rows.size() > limit) {
      rows.removeLast();
      TaskSummary last = rows.getLast();
      next = new Cursor(last.createdAt(), last.taskId()).encode();
    }
    return new TaskPage(rows, next);
  }

  private static TaskSummary summary(ResultSet rs, int row) throws SQLException {
    return new TaskSummary(
        rs.getObject("task_id", UUID.class),
        WireEnum.parse(Runtime.class, rs.getString("runtime")),
        rs.getString("label"),
        WireEnum.parse(TaskStatus.class, rs.getString("status")),
        WireEnum.parse(DeliveryStatus.class, rs.getString("delivery_status")),
        WireEnum.parse(NotifyPolicy.class, rs.getString("notify_policy")),
        rs.getString("run_id"),
        rs.getString("child_session_key"),
        rs.getString("requester_session_key"),
        rs.getObject("parent_flow_id", UUID.class),
        rs.getInt("attempt"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("last_event_at").toInstant(),
        rs.getString("progress_summary"),
        rs.getString("terminal_summary"),
        rs.getString("status_reason"),
        rs.getInt("current_step"),
        rs.getInt("step_count"));
  }

  private static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  record Cursor(Instant createdAt, UUID taskId) {

    String encode() {
      String raw = createdAt.toString() + "|" + taskId;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String cursor) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String[] parts = raw.split("\\|", 2);
        return new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
      } catch (RuntimeException e) {
        throw new InvalidRequestException("cursor", "cursor is not one this API returned");
      }
    }
  }
}

package io.tasklane.ledger.tasks;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;
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

/** Read-side queries written as plain SQL: keyset paging and the lookups. */
@Component
class TaskQueries {

  private final JdbcClient jdbc;

  TaskQueries(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A task a lookup matched, and by what: 1 task id, 2 run id, 3 child session, 4 requester. */
  record Match(UUID taskId, int rank) {}

  /**
   * Every task the lookup could mean, in one statement: by task id, by run id (up to 20), by child
   * session key, and the newest by requester session key.
   */
  List<Match> matches(String tenant, String lookup, UUID asTaskId) {
    return jdbc.sql(
            """
            (select task_id, 1 as rank from tasks where tenant = :tenant and task_id = :taskId)
            union all
            (select task_id, 2 from tasks where tenant = :tenant and run_id = :lookup
             order by created_at desc, task_id desc limit 20)
            union all
            (select task_id, 3 from tasks where tenant = :tenant and child_session_key = :lookup)
            union all
            (select task_id, 4 from tasks where tenant = :tenant and requester_session_key = :lookup
             order by created_at desc, task_id desc limit 1)
            """)
        .param("tenant", tenant)
        .param("lookup", lookup)
        .param("taskId", asTaskId, java.sql.Types.OTHER)
        .query((rs, i) -> new Match(rs.getObject(1, UUID.class), rs.getInt(2)))
        .list();
  }

  /** Newest first; the cursor is the (createdAt, taskId) of the last row of the previous page. */
  TaskPage page(String tenant, TaskFilter filter, String cursor, int limit) {
    StringBuilder sql =
        new StringBuilder(
            """
            select task_id, runtime, label, status, delivery_status, notify_policy, run_id,
                   child_session_key, requester_session_key, parent_flow_id, attempt, created_at,
                   last_event_at, progress_summary, terminal_summary
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
        rs.getString("terminal_summary"));
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

package io.tasklane.ledger.approvals;

import io.tasklane.contracts.ApprovalDecision;
import io.tasklane.contracts.ApprovalPolicy;
import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.DeadlineAction;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.StatusSql;
import io.tasklane.ledger.api.ApprovalRefusedException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The record of approval requests: what a runner stopped for, who decided it and when, and which
 * attempt an approved call was handed to. Callers hold the task's transaction; every method here
 * takes part in it.
 */
@Service
public class Approvals {

  /** Who decides a request that reached its deadline. */
  public static final String DEADLINE = "deadline";

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  /** A task waits for a decision only in this status with this reason. */
  private static final String WAITING =
      "t.status = "
          + StatusSql.literal(TaskStatus.NEEDS_ASSISTANCE)
          + " and t.status_reason = '"
          + ApprovalRequest.REASON
          + "'";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final ApprovalProperties properties;

  Approvals(JdbcClient jdbc, JsonMapper json, ApprovalProperties properties) {
    this.jdbc = jdbc;
    this.json = json;
    this.properties = properties;
  }

  /**
   * Records the request a runner stopped for, as the ledger keeps it: the next number of the task,
   * the approvers and deadline of the task's policy (the default deadline when it names none).
   */
  public ApprovalRequest record(
      String tenant, UUID taskId, ApprovalPolicy policy, ApprovalRequest asked, Instant at) {
    int number =
        jdbc.sql("select coalesce(max(number), 0) + 1 from approval_requests where task_id = :id")
            .param("id", taskId)
            .query(Integer.class)
            .single();
    Instant requestedAt =
        asked.requestedAt() == null || asked.requestedAt().isAfter(at) ? at : asked.requestedAt();
    Instant deadline =
        policy != null && policy.deadlineSeconds() != null
            ? requestedAt.plusSeconds(policy.deadlineSeconds())
            : requestedAt.plus(properties.defaultDeadline());
    List<String> approvers = policy == null ? asked.approvers() : policy.approvers();
    DeadlineAction onDeadline =
        policy == null || policy.onDeadline() == null ? DeadlineAction.DENY : policy.onDeadline();
    ApprovalRequest request =
        new ApprovalRequest(
            number,
            asked.callId(),
            asked.tool(),
            asked.arguments(),
            asked.stepIndex(),
            approvers,
            requestedAt,
            deadline,
            onDeadline,
            null,
            null,
            null,
            null,
            false);
    jdbc.sql(
            """
            insert into approval_requests (task_id, number, tenant, call_id, tool, arguments,
                step_index, approvers, requested_at, deadline, on_deadline)
            values (:taskId, :number, :tenant, :callId, :tool, :arguments, :step,
                :approvers::jsonb, :requestedAt, :deadline, :onDeadline)
            """)
        .param("taskId", taskId)
        .param("number", number)
        .param("tenant", tenant)
        .param("callId", request.callId())
        .param("tool", request.tool())
        .param("arguments", request.arguments())
        .param("step", request.stepIndex())
        .param("approvers", json.writeValueAsString(approvers))
        .param("requestedAt", Timestamp.from(requestedAt))
        .param("deadline", Timestamp.from(deadline))
        .param("onDeadline", onDeadline.wire())
        .update();
    return request;
  }

  /**
   * Decides request {@code number} of a task that waits for it. Anyone of the tenant may decide a
   * request without approvers; the deadline decides {@code expired} whoever the approvers are.
   *
   * @throws ApprovalRefusedException when it is not pending, or the caller may not decide it
   */
  public ApprovalRequest decide(
      UUID taskId,
      int number,
      ApprovalDecision decision,
      String caller,
      String comment,
      Instant at) {
    ApprovalRequest request =
        jdbc.sql(
                "select * from approval_requests where task_id = :id and number = :number for update")
            .param("id", taskId)
            .param("number", number)
            .query(this::request)
            .optional()
            .orElseThrow(
                () ->
                    new ApprovalRefusedException(
                        ApprovalRefusedException.Kind.NOT_PENDING,
                        "Task " + taskId + " has no approval request " + number));
    if (!request.pending()) {
      throw noLongerPending(taskId, request);
    }
    if (decision != ApprovalDecision.EXPIRED
        && !request.approvers().isEmpty()
        && !request.approvers().contains(caller)) {
      throw new ApprovalRefusedException(
          ApprovalRefusedException.Kind.NOT_AN_APPROVER,
          "Caller " + caller + " is not an approver of approval request " + number);
    }
    String shortComment =
        comment == null || comment.isBlank()
            ? null
            : comment.length() > 2000 ? comment.substring(0, 2000) : comment;
    jdbc.sql(
            """
            update approval_requests
               set decision = :decision, decided_by = :by, decided_at = :at, comment = :comment
             where task_id = :id and number = :number
            """)
        .param("decision", decision.wire())
        .param("by", caller)
        .param("at", Timestamp.from(at))
        .param("comment", shortComment)
        .param("id", taskId)
        .param("number", number)
        .update();
    return new ApprovalRequest(
        request.number(),
        request.callId(),
        request.tool(),
        request.arguments(),
        request.stepIndex(),
        request.approvers(),
        request.requestedAt(),
        request.deadline(),
        request.onDeadline(),
        decision,
        caller,
        at,
        shortComment,
        false);
  }

  /**
   * Refuses request {@code number} when it was decided already, naming the decision, who made it
   * and when; a task is queued again once its request is decided, so that is what a second answer
   * to the same request meets.
   *
   * @throws ApprovalRefusedException when the request exists and is decided
   */
  public void refuseIfDecided(UUID taskId, int number) {
    jdbc.sql("select * from approval_requests where task_id = :id and number = :number")
        .param("id", taskId)
        .param("number", number)
        .query(this::request)
        .optional()
        .filter(request -> !request.pending())
        .ifPresent(
            request -> {
              throw noLongerPending(taskId, request);
            });
  }

  private static ApprovalRefusedException noLongerPending(UUID taskId, ApprovalRequest request) {
    return new ApprovalRefusedException(
        ApprovalRefusedException.Kind.NOT_PENDING,
        "Approval request %d of task %s is no longer pending: %s by %s at %s"
            .formatted(
                request.number(),
                taskId,
                request.decision().wire(),
                request.decidedBy(),
                request.decidedAt()));
  }

  /** The task's latest request, pending or decided. */
  public Optional<ApprovalRequest> latest(UUID taskId) {
    return jdbc.sql(
            "select * from approval_requests where task_id = :id order by number desc limit 1")
        .param("id", taskId)
        .query(this::request)
        .optional();
  }

  /**
   * The request as a claim of {@code attempt} hands it to a runner. An approved call is handed out
   * not yet executed to one attempt only (and again to that attempt, whose claim answer may have
   * been lost); every later attempt gets it marked executed, so it never runs twice.
   */
  public ApprovalRequest handOut(UUID taskId, int attempt, ApprovalRequest inContext) {
    if (inContext == null || inContext.decision() != ApprovalDecision.APPROVED) {
      return inContext;
    }
    jdbc.sql(
            """
            update approval_requests set handed_to_attempt = :attempt
             where task_id = :id and number = :number and handed_to_attempt is null
            """)
        .param("attempt", attempt)
        .param("id", taskId)
        .param("number", inContext.number())
        .update();
    Integer handedTo =
        jdbc.sql(
                "select handed_to_attempt from approval_requests where task_id = :id and number = :number")
            .param("id", taskId)
            .param("number", inContext.number())
            .query(Integer.class)
            .optional()
            .orElse(null);
    boolean executed = inContext.executed() || handedTo == null || handedTo != attempt;
    return new ApprovalRequest(
        inContext.number(),
        inContext.callId(),
        inContext.tool(),
        inContext.arguments(),
        inContext.stepIndex(),
        inContext.approvers(),
        inContext.requestedAt(),
        inContext.deadline(),
        inContext.onDeadline(),
        inContext.decision(),
        inContext.decidedBy(),
        inContext.decidedAt(),
        inContext.comment(),
        executed);
  }

  /** The tenant's requests that tasks wait for, oldest first. */
  public ApprovalPage pending(String tenant, String cursor, int limit) {
    Position after = Position.decode(cursor);
    List<PendingApproval> rows =
        new ArrayList<>(
            jdbc.sql(
                    """
                    select a.*, t.label from approval_requests a
                      join tasks t on t.task_id = a.task_id
                     where a.tenant = :tenant and a.decision is null and %s
                       and (a.requested_at, a.task_id) > (:at, :id)
                     order by a.requested_at, a.task_id
                     limit :limit
                    """
                        .formatted(WAITING))
                .param("tenant", tenant)
                .param("at", Timestamp.from(after.requestedAt()))
                .param("id", after.taskId())
                .param("limit", limit + 1)
                .query(
                    (rs, i) ->
                        new PendingApproval(
                            rs.getObject("task_id", UUID.class),
                            rs.getString("label"),
                            request(rs, i)))
                .list());
    String next = null;
    if (rows.size() > limit) {
      rows.subList(limit, rows.size()).clear();
      PendingApproval last = rows.getLast();
      next = new Position(last.approval().requestedAt(), last.taskId()).encode();
    }
    return new ApprovalPage(List.copyOf(rows), next);
  }

  /** Pending requests past their deadline whose tasks still wait for them. */
  List<ApprovalDeadlinePassed> due(Instant now, int limit) {
    return jdbc.sql(
            """
            select a.tenant, a.task_id, a.number from approval_requests a
              join tasks t on t.task_id = a.task_id
             where a.decision is null and a.deadline <= :now and %s
             order by a.deadline
             limit :limit
            """
                .formatted(WAITING))
        .param("now", Timestamp.from(now))
        .param("limit", limit)
        .query(
            (rs, i) ->
                new ApprovalDeadlinePassed(
                    rs.getString("tenant"),
                    rs.getObject("task_id", UUID.class),
                    rs.getInt("number")))
        .list();
  }

  private ApprovalRequest request(ResultSet rs, int row) throws SQLException {
    String decision = rs.getString("decision");
    Timestamp decidedAt = rs.getTimestamp("decided_at");
    return new ApprovalRequest(
        rs.getInt("number"),
        rs.getString("call_id"),
        rs.getString("tool"),
        rs.getString("arguments"),
        rs.getInt("step_index"),
        json.readValue(rs.getString("approvers"), STRINGS),
        rs.getTimestamp("requested_at").toInstant(),
        rs.getTimestamp("deadline").toInstant(),
        DeadlineAction.fromWire(rs.getString("on_deadline")),
        decision == null ? null : ApprovalDecision.fromWire(decision),
        rs.getString("decided_by"),
        decidedAt == null ? null : decidedAt.toInstant(),
        rs.getString("comment"),
        rs.getObject("handed_to_attempt") != null);
  }

  /** Where a page of the pending list ends. */
  record Position(Instant requestedAt, UUID taskId) {

    static final Position START = new Position(Instant.EPOCH, new UUID(0, 0));

    String encode() {
      String raw = ChronoUnit.MICROS.between(Instant.EPOCH, requestedAt) + "|" + taskId;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String cursor) {
      if (cursor == null || cursor.isBlank()) {
        return START;
      }
      try {
        String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        long micros = Long.parseLong(raw.substring(0, bar));
        return new Position(
            Instant.EPOCH.plusNanos(micros * 1000), UUID.fromString(raw.substring(bar + 1)));
      } catch (RuntimeException e) {
        throw new InvalidCursorException(cursor);
      }
    }
  }

  /** A cursor that no page of the pending list handed out. */
  static final class InvalidCursorException extends RuntimeException {
    InvalidCursorException(String cursor) {
      super("cursor is not one a page of approvals returned: " + cursor);
    }
  }
}

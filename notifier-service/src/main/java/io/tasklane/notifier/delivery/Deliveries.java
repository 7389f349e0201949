package io.tasklane.notifier.delivery;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.TaskLifecycleEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The delivery table: dedupe key, retry state and the queue of outcomes still to report. */
@Repository
class Deliveries {

  static final String PENDING = "pending";

  private final JdbcClient jdbc;
  private final JsonMapper json;

  Deliveries(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Queues a delivery; false when this event was already queued on this channel. */
  boolean schedule(TaskLifecycleEvent event, DeliveryChannel channel, String lane) {
    return insert(event, channel, lane, PENDING) > 0;
  }

  /** Records an outcome that needs no sending; false when it was already recorded. */
  boolean record(TaskLifecycleEvent event, DeliveryChannel channel, DeliveryStatus outcome) {
    return insert(event, channel, "none", outcome.wire()) > 0;
  }

  private int insert(
      TaskLifecycleEvent event, DeliveryChannel channel, String lane, String status) {
    var data = event.data();
    return jdbc.sql(
            """
            INSERT INTO notifier.delivery
                (event_id, channel, tenant, session_key, task_id, lane, event_json, status,
                 event_time, finished_at)
            VALUES (:eventId, :channel, :tenant, :session, :taskId, :lane, :json, :status,
                    :eventTime, CASE WHEN :status = 'pending' THEN NULL ELSE now() END)
            ON CONFLICT (event_id, channel) DO NOTHING
            """)
        .param("eventId", event.id())
        .param("channel", channel.wire())
        .param("tenant", data.tenant())
        .param("session", data.requesterSessionKey())
        .param("taskId", data.taskId())
        .param("lane", lane)
        .param("json", json.writeValueAsString(event))
        .param("status", status)
        .param("eventTime", Timestamp.from(event.time() == null ? Instant.now() : event.time()))
        .update();
  }

  /**
   * Claims due deliveries, at most {@code perLane} per lane, skipping lanes this worker is still
   * busy with and rows other workers hold.
   */
  List<ClaimedDelivery> claim(
      UUID worker, Collection<String> busyLanes, int limit, int perLane, Duration lease) {
    return jdbc
        .sql(
            """
            UPDATE notifier.delivery
               SET claimed_until = now() + make_interval(secs => :lease), claimed_by = :worker
             WHERE id IN (
                   SELECT id FROM notifier.delivery
                    WHERE id IN (
                          SELECT id FROM (
                                 SELECT id, row_number() OVER (PARTITION BY lane ORDER BY id) AS n
                                   FROM notifier.delivery
                                  WHERE status = 'pending'
                                    AND next_attempt_at <= now()
                                    AND (claimed_until IS NULL OR claimed_until < now())
                                    AND lane <> ALL (:busy)) due
                           WHERE n <= :perLane)
                    ORDER BY id
                    LIMIT :limit
                      FOR UPDATE SKIP LOCKED)
            RETURNING *
            """)
        .param("lease", lease.toMillis() / 1000.0)
        .param("worker", worker)
        .param("busy", busyLanes.toArray(String[]::new))
        .param("perLane", perLane)
        .param("limit", limit)
        .query((rs, row) -> mapClaimed(rs, worker))
        .list()
        .stream()
        .sorted((a, b) -> Long.compare(a.id(), b.id()))
        .toList();
  }

  /** Extends every claim this worker still holds; claims it gave back or lost are left alone. */
  int renew(UUID worker, Duration lease) {
    return jdbc.sql(
            """
            UPDATE notifier.delivery SET claimed_until = now() + make_interval(secs => :lease)
             WHERE claimed_by = :worker AND claimed_until > now() AND status = 'pending'
            """)
        .param("lease", lease.toMillis() / 1000.0)
        .param("worker", worker)
        .update();
  }

  boolean held(long id, UUID worker, int partsSent) {
    return jdbc.sql(
                """
            SELECT count(*) FROM notifier.delivery
             WHERE id = :id AND claimed_by = :worker AND claimed_until > now()
               AND status = 'pending' AND parts_sent = :parts
            """)
            .param("id", id)
            .param("worker", worker)
            .param("parts", partsSent)
            .query(Integer.class)
            .single()
        > 0;
  }

  /**
   * A part has arrived: recorded whoever holds the claim now (only the sender knows it was sent),
   * in one statement with the message's reference.
   */
  void partSent(long id, int partsSent, String messageRef) {
    jdbc.sql(
            """
            WITH part AS (
                 UPDATE notifier.delivery SET parts_sent = GREATEST(parts_sent, :parts)
                  WHERE id = :id
                 RETURNING id)
            INSERT INTO notifier.delivery_message (message_ref, delivery_id, part)
            SELECT :ref, id, :parts FROM part WHERE CAST(:ref AS text) IS NOT NULL
            ON CONFLICT (message_ref) DO NOTHING
            """)
        .param("id", id)
        .param("parts", partsSent)
        .param("ref", messageRef)
        .update();
  }

  void delivered(long id, int partsSent) {
    jdbc.sql(
            """
            UPDATE notifier.delivery
               SET status = 'delivered', attempts = attempts + 1,
                   parts_sent = GREATEST(parts_sent, :parts),
                   last_error = NULL, claimed_until = NULL, finished_at = now()
             WHERE id = :id
            """)
        .param("id", id)
        .param("parts", partsSent)
        .update();
  }

  void retryAt(long id, UUID worker, Instant next, String reason, int partsSent) {
    jdbc.sql(
            """
            UPDATE notifier.delivery
               SET attempts = attempts + 1, parts_sent = GREATEST(parts_sent, :parts),
                   last_error = :reason, next_attempt_at = :next, claimed_until = NULL
             WHERE id = :id AND claimed_by = :worker AND status = 'pending'
            """)
        .param("id", id)
        .param("worker", worker)
        .param("parts", partsSent)
        .param("reason", reason)
        .param("next", Timestamp.from(next))
        .update();
  }

  void failed(long id, UUID worker, String reason, boolean attempted) {
    jdbc.sql(
            """
            UPDATE notifier.delivery
               SET status = 'failed', attempts = attempts + :attempted, last_error = :reason,
                   claimed_until = NULL, finished_at = now()
             WHERE id = :id AND claimed_by = :worker AND status = 'pending'
            """)
        .param("id", id)
        .param("worker", worker)
        .param("attempted", attempted ? 1 : 0)
        .param("reason", reason)
        .update();
  }

  void postpone(long id, UUID worker, Instant until, int partsSent) {
    jdbc.sql(
            """
            UPDATE notifier.delivery
               SET next_attempt_at = :until, parts_sent = GREATEST(parts_sent, :parts),
                   claimed_until = NULL
             WHERE id = :id AND claimed_by = :worker AND status = 'pending'
            """)
        .param("id", id)
        .param("worker", worker)
        .param("until", Timestamp.from(until))
        .param("parts", partsSent)
        .update();
  }

  /** Finished deliveries whose outcome is not reported yet, locked for this transaction. */
  List<DeliveryOutcome> lockUnreported(int limit) {
    return jdbc.sql(
            """
            SELECT id, event_id, task_id, tenant, channel, status, last_error, attempts,
                   event_json
              FROM notifier.delivery
             WHERE reported_at IS NULL AND status <> 'pending'
             ORDER BY id
             LIMIT :limit
               FOR UPDATE SKIP LOCKED
            """)
        .param("limit", limit)
        .query(
            (rs, row) ->
                new DeliveryOutcome(
                    rs.getLong("id"),
                    rs.getObject("event_id", UUID.class),
                    rs.getObject("task_id", UUID.class),
                    rs.getString("tenant"),
                    DeliveryChannel.fromWire(rs.getString("channel")),
                    DeliveryStatus.fromWire(rs.getString("status")),
                    rs.getString("last_error"),
                    rs.getInt("attempts"),
                    json.readValue(rs.getString("event_json"), TaskLifecycleEvent.class)))
        .list();
  }

  /** Gives claimed deliveries back to the queue before their claim runs out. */
  void release(UUID worker, List<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    jdbc.sql(
            "UPDATE notifier.delivery SET claimed_until = NULL"
                + " WHERE id = ANY (:ids) AND claimed_by = :worker AND status = 'pending'")
        .param("ids", ids.toArray(Long[]::new))
        .param("worker", worker)
        .update();
  }

  void markReported(List<Long> ids) {
    jdbc.sql("UPDATE notifier.delivery SET reported_at = now() WHERE id = ANY (:ids)")
        .param("ids", ids.toArray(Long[]::new))
        .update();
  }

  long backlog() {
    return jdbc.sql("SELECT count(*) FROM notifier.delivery WHERE status = 'pending'")
        .query(Long.class)
        .single();
  }

  record DeliveryOutcome(
      long id,
      UUID eventId,
      UUID taskId,
      String tenant,
      DeliveryChannel channel,
      DeliveryStatus outcome,
      String reason,
      int attempts,
      TaskLifecycleEvent event) {}

  private ClaimedDelivery mapClaimed(ResultSet rs, UUID worker) throws SQLException {
    String eventJson = rs.getString("event_json");
    return new ClaimedDelivery(
        rs.getLong("id"),
        rs.getObject("event_id", UUID.class),
        DeliveryChannel.fromWire(rs.getString("channel")),
        rs.getString("tenant"),
        rs.getString("session_key"),
        rs.getString("lane"),
        json.readValue(eventJson, TaskLifecycleEvent.class),
        eventJson,
        rs.getInt("attempts"),
        rs.getInt("parts_sent"),
        rs.getTimestamp("created_at").toInstant(),
        new DeliveryClaim(this, rs.getLong("id"), worker));
  }
}

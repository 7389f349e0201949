package io.tasklane.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.notifier.NotifierIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The claim a send depends on: only its holder may send, only while it holds it and only the part
 * nobody recorded yet; a part that arrived is recorded whoever holds the claim now.
 */
class DeliveryClaimTests extends NotifierIntegrationTest {

  private static final UUID HOLDER = UUID.randomUUID();
  private static final UUID OTHER = UUID.randomUUID();

  @Autowired private Deliveries deliveries;
  @Autowired private JdbcClient jdbc;

  @Test
  void onlyTheHolderOfALiveClaimMaySendAndOnlyThePartNobodyRecorded() {
    long id = claimedBy(HOLDER, Duration.ofHours(1));

    assertThat(deliveries.held(id, HOLDER, 0)).isTrue();
    assertThat(deliveries.held(id, OTHER, 0)).isFalse();

    deliveries.partSent(id, 1, "telegram-chat:1001");
    assertThat(deliveries.held(id, HOLDER, 0)).as("part 1 was recorded meanwhile").isFalse();
    assertThat(deliveries.held(id, HOLDER, 1)).isTrue();
    assertThat(
            jdbc.sql("SELECT delivery_id FROM notifier.delivery_message WHERE message_ref = :ref")
                .param("ref", "telegram-chat:1001")
                .query(Long.class)
                .single())
        .isEqualTo(id);
  }

  @Test
  void aClaimThatRanOutIsNoLongerHeldNorRenewed() {
    long id = claimedBy(HOLDER, Duration.ofSeconds(-1));

    assertThat(deliveries.held(id, HOLDER, 0)).isFalse();
    deliveries.renew(HOLDER, Duration.ofMinutes(1));
    assertThat(deliveries.held(id, HOLDER, 0)).as("a lapsed claim is not revived").isFalse();
  }

  @Test
  void anotherWorkersOutcomeOfAnUnsentAttemptChangesNothingButASentPartIsKept() {
    long id = claimedBy(HOLDER, Duration.ofHours(1));

    deliveries.retryAt(id, OTHER, Instant.now().plusSeconds(60), "telegram asked to retry", 0);
    deliveries.postpone(id, OTHER, Instant.now().plusSeconds(60), 0);
    deliveries.failed(id, OTHER, "refused", true);
    deliveries.release(OTHER, java.util.List.of(id));
    assertThat(deliveries.held(id, HOLDER, 0)).isTrue();

    deliveries.delivered(id, 1);
    assertThat(
            jdbc.sql("SELECT status FROM notifier.delivery WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single())
        .isEqualTo("delivered");
    assertThat(deliveries.held(id, HOLDER, 1)).as("nothing more to send").isFalse();
  }

  /**
   * A pending delivery a worker of this test holds, not due for a day, so the live worker leaves it
   * alone even once the claim has run out.
   */
  private long claimedBy(UUID worker, Duration lease) {
    UUID task = UUID.randomUUID();
    String session = newSession();
    var data =
        new TaskLifecycleEvent.Data(
            task,
            TENANT,
            Runtime.SUBAGENT,
            Executor.RUNNER,
            "Claim test",
            TaskStatus.SUCCEEDED,
            TaskStatus.RUNNING,
            null,
            NotifyPolicy.DONE_ONLY,
            null,
            session,
            "task_" + task,
            null,
            null,
            null,
            1,
            null,
            "Done.",
            null,
            Map.of());
    var event =
        TaskLifecycleEvent.of(
            UUID.randomUUID(), TaskLifecycleEvent.TYPE_STATUS_CHANGED, Instant.now(), 2, data);
    return jdbc.sql(
            """
            INSERT INTO notifier.delivery
                (event_id, channel, tenant, session_key, task_id, lane, event_json, status,
                 event_time, next_attempt_at, claimed_until, claimed_by)
            VALUES (:event, 'telegram', :tenant, :session, :task, :lane, :json, 'pending', now(),
                    now() + interval '1 day', now() + make_interval(secs => :lease), :worker)
            RETURNING id
            """)
        .param("event", event.id())
        .param("json", json.writeValueAsString(event))
        .param("tenant", TENANT)
        .param("session", session)
        .param("task", task)
        .param("lane", "telegram:claim-test-" + task)
        .param("lease", lease.toSeconds())
        .param("worker", worker)
        .query(Long.class)
        .single();
  }
}

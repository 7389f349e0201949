package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamTests extends LedgerTest {

  @Test
  void aTaskStreamReplaysItsHistoryThenFollowsLive() {
    String id = createTaskId("{\"goal\":\"Watch me\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);

    try (var stream = SseClient.open(api, tenant, "/api/v1/tasks/" + id + "/events", null)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.contentType()).startsWith("text/event-stream");
      await().atMost(PATIENCE).until(() -> stream.events().size() == 2);

      api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);

      await().atMost(PATIENCE).until(() -> stream.events().size() == 3);
      assertThat(stream.events())
          .extracting(e -> e.name() + ":" + e.data().get("data").get("status").asString())
          .containsExactly("lifecycle:queued", "lifecycle:cancelled", "lifecycle:queued");
      assertThat(stream.events())
          .allSatisfy(e -> assertThat(e.data().get("subject").asString()).isEqualTo(id));
      assertThat(stream.ids()).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void aStreamOnWhichNothingIsPublishedAnswersAtOnceAndKeepsSendingHeartbeats() {
    String quiet = tenant + "-quiet";
    String id =
        api.post(quiet, "/api/v1/tasks", "{\"goal\":\"Stay quiet\"}")
            .json()
            .get("taskId")
            .asString();
    String nothingAfter = "?after=" + Long.MAX_VALUE / 2;
    var quietStreams =
        List.of(
            List.of(tenant + "-silent", "/api/v1/events"),
            List.of(quiet, "/api/v1/tasks/" + id + "/events" + nothingAfter));

    for (List<String> tenantAndPath : quietStreams) {
      try (var stream = SseClient.open(api, tenantAndPath.get(0), tenantAndPath.get(1), null)) {
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        await().atMost(PATIENCE).until(() -> stream.retry() != null);
        assertThat(stream.comments()).first().isEqualTo("stream open");

        await()
            .atMost(PATIENCE)
            .until(() -> stream.comments().stream().filter("heartbeat"::equals).count() >= 3);
        assertThat(stream.events()).isEmpty();
        assertThat(stream.ended()).isFalse();
      }
    }
  }

  @Test
  void reconnectingWithLastEventIdReplaysExactlyTheEventsAfterIt() {
    String id = createTaskId("{\"goal\":\"Reconnect\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/pause", null);
    String path = "/api/v1/tasks/" + id + "/events";
    List<Long> ids;
    try (var first = SseClient.open(api, tenant, path, null)) {
      await().atMost(PATIENCE).until(() -> first.events().size() == 4);
      ids = first.ids();
    }

    try (var again = SseClient.open(api, tenant, path, ids.get(1))) {
      api.put(tenant, "/api/v1/tasks/" + id + "/notify-policy", "{\"notifyPolicy\":\"silent\"}");

      await().atMost(PATIENCE).until(() -> again.events().size() >= 3);
      assertThat(again.ids().subList(0, 2)).containsExactly(ids.get(2), ids.get(3));
      assertThat(again.events().get(2).data().get("type").asString())
          .isEqualTo("io.tasklane.task.notify_policy_changed");
      assertThat(again.events()).hasSize(3);
    }
  }

  @Test
  void theTenantStreamFollowsEveryTaskOfTheTenantFromNow() {
    String before = createTaskId("{\"goal\":\"Before the stream\"}");
    awaitOutboxPublished();
    String otherTenant = tenant + "-other";

    try (var stream = SseClient.open(api, tenant, "/api/v1/events", null)) {
      assertThat(stream.status()).isEqualTo(200);
      var foreign = api.post(otherTenant, "/api/v1/tasks", "{\"goal\":\"not mine\"}");
      String first = createTaskId("{\"goal\":\"First on the stream\"}");
      String second = createTaskId("{\"goal\":\"Second on the stream\"}");
      api.post(tenant, "/api/v1/tasks/" + first + "/cancel", null);

      await().atMost(PATIENCE).until(() -> stream.events().size() >= 3);
      assertThat(stream.events())
          .extracting(e -> e.data().get("subject").asString())
          .containsExactlyInAnyOrder(first, second, first)
          .doesNotContain(before, foreign.json().get("taskId").asString());
      assertThat(stream.ids()).isSorted();
      long afterFirst = stream.ids().getFirst();

      try (var resumed = SseClient.open(api, tenant, "/api/v1/events", afterFirst)) {
        await().atMost(PATIENCE).until(() -> resumed.events().size() >= 2);
        assertThat(resumed.ids()).containsExactlyElementsOf(stream.ids().subList(1, 3));
      }
    }
  }

  @Test
  void anUnknownTasksStreamIsNotFound() {
    var answer =
        api.send(
            api.request(tenant, "/api/v1/tasks/3e2f1a0b-0000-4000-8000-000000000009/events")
                .header("Accept", "text/event-stream")
                .GET());
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
  }
}

package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class InboxReplayTests extends NotifierIntegrationTest {

  record SseEvent(String id, String name, JsonNode data) {}

  @Test
  void theInboxPagesOldestFirst() {
    String session = newSession();
    List<TaskLifecycleEvent> events = finishTasks(session, 5, "page");
    awaitReport(events.getLast().id());
    events.forEach(e -> awaitReport(e.id()));

    JsonNode first = jsonOf(get("/api/v1/sessions/" + session + "/messages?limit=2"));
    assertThat(first.path("messages")).hasSize(2);
    assertThat(first.path("more").asBoolean()).isTrue();
    JsonNode rest =
        jsonOf(
            get(
                "/api/v1/sessions/"
                    + session
                    + "/messages?limit=10&after="
                    + first.path("next").asLong()));
    assertThat(rest.path("messages")).hasSize(3);
    assertThat(rest.path("more").asBoolean()).isFalse();
  }

  @Test
  void aClientThatReconnectsWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
    String session = newSession();
    List<TaskLifecycleEvent> before = finishTasks(session, 2, "before");
    before.forEach(e -> awaitReport(e.id()));

    List<SseEvent> firstVisit = readStream(session, null, 2);
    assertThat(firstVisit).extracting(e -> e.name()).containsOnly("task-update");

    List<TaskLifecycleEvent> whileAway = finishTasks(session, 3, "away");
    whileAway.forEach(e -> awaitReport(e.id()));

    List<SseEvent> secondVisit = readStream(session, firstVisit.getLast().id(), 3);
    assertThat(secondVisit)
        .extracting(e -> e.data().path("eventId").asString())
        .containsExactlyInAnyOrderElementsOf(
            whileAway.stream().map(e -> e.id().toString()).toList());
    assertThat(Long.parseLong(secondVisit.getFirst().id()))
        .isGreaterThan(Long.parseLong(firstVisit.getLast().id()));
  }

  @Test
  void aConnectedClientReceivesNewMessagesLive() throws Exception {
    String session = newSession();
    CompletableFuture<List<SseEvent>> live =
        CompletableFuture.supplyAsync(() -> readStream(session, null, 1));
    Thread.sleep(500);
    TaskLifecycleEvent done = finishTasks(session, 1, "live").getFirst();

    List<SseEvent> received = live.get(20, TimeUnit.SECONDS);
    assertThat(received.getFirst().data().path("eventId").asString())
        .isEqualTo(done.id().toString());
    assertThat(received.getFirst().data().path("text").asString()).contains("live 0");
  }

  @Test
  void aQuietSessionsStreamAnswersAtOnceAndKeepsSendingHeartbeats() throws Exception {
    String session = newSession();

    HttpResponse<java.io.InputStream> response =
        http.sendAsync(streamRequest(session, null).GET().build(), BodyHandlers.ofInputStream())
            .get(20, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      CompletableFuture.runAsync(
              () -> {
                try {
                  while (lines.stream().filter(":heartbeat"::equals).count() < 3) {
                    lines.add(String.valueOf(reader.readLine()));
                  }
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .get(30, TimeUnit.SECONDS);
    }
    assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder(":stream open", "retry:3000");
    assertThat(lines).noneMatch(line -> line.startsWith("data:"));
  }

  private List<TaskLifecycleEvent> finishTasks(String session, int count, String prefix) {
    List<TaskLifecycleEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      var done =
          new Task(session, NotifyPolicy.DONE_ONLY).finish(TaskStatus.SUCCEEDED, prefix + " " + i);
      publish(done);
      events.add(done);
    }
    return events;
  }

  private HttpRequest.Builder streamRequest(String session, String lastEventId) {
    var request =
        HttpRequest.newBuilder(uri("/api/v1/sessions/" + session + "/messages/stream"))
            .headers(identity(TENANT))
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return request;
  }

  private List<SseEvent> readStream(String session, String lastEventId, int wanted) {
    var request = streamRequest(session, lastEventId);
    try {
      HttpResponse<java.io.InputStream> response =
          http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      List<SseEvent> events = new ArrayList<>();
      try (var reader =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String id = null;
        String name = null;
        StringBuilder data = new StringBuilder();
        String line;
        while (events.size() < wanted && (line = reader.readLine()) != null) {
          if (line.isEmpty()) {
            if (!data.isEmpty()) {
              events.add(new SseEvent(id, name, json.readTree(data.toString())));
            }
            id = null;
            name = null;
            data.setLength(0);
          } else if (line.startsWith("id:")) {
            id = line.substring(3).strip();
          } else if (line.startsWith("event:")) {
            name = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5));
          }
        }
      }
      return events;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

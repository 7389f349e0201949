package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JournalAndLifecycleTests extends LedgerTest {

  private Broker.TopicReader lifecycle;
  private Broker.TopicReader dispatch;
  private Broker.TopicReader control;

  @BeforeEach
  void readTopics() {
    lifecycle = new Broker.TopicReader(Topics.TASK_LIFECYCLE);
    dispatch = new Broker.TopicReader(Topics.TASK_DISPATCH);
    control = new Broker.TopicReader(Topics.TASK_CONTROL);
  }

  @AfterEach
  void closeTopics() {
    lifecycle.close();
    dispatch.close();
    control.close();
  }

  @Test
  void everyTransitionIsJournaledOnceAndEmitsOneLifecycleEvent() {
    String id =
        createTaskId(
            "{\"goal\":\"Drive it through\",\"plan\":[{\"description\":\"a\","
                + "\"doneWhen\":\"b\"}]}");
    claim(id, 1);
    var runner = new ScriptedRunner(id, tenant, 1);
    runner.send(runner.stepStarted(0));
    runner.send(runner.toolCalled(0, "shell", "{\"cmd\":\"ls\"}"));
    runner.send(runner.verdict(0, true, "listed"));
    runner.send(runner.heartbeat(60));
    runner.send(runner.finished(TaskStatus.SUCCEEDED, "done", null));
    awaitTask(id, task -> task.get("status").asString().equals("succeeded"));
    awaitOutboxPublished();

    List<JsonNode> transitions = journalOfType(id, "status_changed");
    assertThat(transitions)
        .extracting(
            e ->
                e.get("payload").get("from").asString()
                    + ">"
                    + e.get("payload").get("to").asString())
        .containsExactly("queued>running", "running>succeeded");
    List<JsonNode> events = lifecycle.readToEnd(tenant);
    assertThat(events)
        .extracting(e -> e.get("type").asString())
        .containsExactly(
            "io.tasklane.task.created",
            "io.tasklane.task.status_changed",
            "io.tasklane.task.status_changed");
    List<JsonNode> statusEvents =
        events.stream()
            .filter(e -> e.get("type").asString().equals("io.tasklane.task.status_changed"))
            .toList();
    assertThat(statusEvents)
        .extracting(e -> e.get("sequence").asLong())
        .containsExactlyElementsOf(transitions.stream().map(e -> e.get("seq").asLong()).toList());
    assertThat(statusEvents)
        .extracting(e -> e.get("data").get("status").asString())
        .containsExactly("running", "succeeded");
    JsonNode first = events.getFirst();
    assertThat(first.get("specversion").asString()).isEqualTo("1.0");
    assertThat(first.get("subject").asString()).isEqualTo(id);
    assertThat(first.get("source").asString()).isEqualTo("/tasklane/task-ledger");
    assertThat(events).extracting(e -> e.get("id").asString()).doesNotHaveDuplicates();
  }

  @Test
  void operatorTransitionsAreJournaledAndEmittedOnceEach() {
    String id = createTaskId("{\"goal\":\"Steer it\",\"executor\":\"external\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/pause", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/resume", "{\"message\":\"carry on\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/cancel", "{\"reason\":\"no longer needed\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);
    api.put(tenant, "/api/v1/tasks/" + id + "/notify-policy", "{\"notifyPolicy\":\"silent\"}");
    awaitOutboxPublished();

    assertThat(journalOfType(id, "status_changed"))
        .extracting(e -> e.get("payload").get("to").asString())
        .containsExactly("paused", "queued", "cancelled", "queued");
    assertThat(journalOfType(id, "operator_message")).hasSize(1);
    assertThat(journalOfType(id, "notify_policy_changed")).hasSize(1);
    assertThat(lifecycle.readToEnd(tenant))
        .extracting(
            e ->
                e.get("type").asString().substring("io.tasklane.task.".length())
                    + ":"
                    + e.get("data").get("status").asString())
        .containsExactly(
            "created:queued",
            "status_changed:paused",
            "status_changed:queued",
            "status_changed:cancelled",
            "status_changed:queued",
            "notify_policy_changed:queued");
    assertThat(show(id).get("statusReason").asString()).isEqualTo("retried by operator");
  }

  @Test
  void runnerTasksAreDispatchedOnCreateRetryAndResume() {
    String id = createTaskId("{\"goal\":\"Dispatch me\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/pause", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/resume", null);
    awaitOutboxPublished();

    List<JsonNode> dispatched = dispatch.readToEnd(tenant);
    assertThat(dispatched)
        .extracting(d -> d.get("reason").asString() + "@" + d.get("attempt").asInt())
        .containsExactly("created@1", "retry@2", "resume@3");
    assertThat(dispatched).allSatisfy(d -> assertThat(d.get("taskId").asString()).isEqualTo(id));
  }

  @Test
  void externalTasksAreNeverDispatched() {
    String id = createTaskId("{\"goal\":\"Someone else runs it\",\"executor\":\"external\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/pause", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/resume", null);
    awaitOutboxPublished();

    assertThat(show(id).get("attempt").asInt()).isEqualTo(3);
    assertThat(dispatch.readToEnd(tenant)).isEmpty();
    assertThat(lifecycle.readToEnd(tenant)).hasSize(5);
  }

  @Test
  void cancellingOrPausingARunningRunnerTaskTellsTheRunner() {
    String paused = createTaskId("{\"goal\":\"Pause me\"}");
    claim(paused, 1);
    var pause = api.post(tenant, "/api/v1/tasks/" + paused + "/pause", null);
    assertThat(pause.status()).isEqualTo(202);
    assertThat(pause.json().get("status").asString()).isEqualTo("running");
    String cancelled = createTaskId("{\"goal\":\"Cancel me\"}");
    claim(cancelled, 1);
    api.post(tenant, "/api/v1/tasks/" + cancelled + "/cancel", null);
    awaitOutboxPublished();

    assertThat(control.readToEnd(tenant))
        .extracting(c -> c.get("taskId").asString() + ":" + c.get("command").asString())
        .containsExactlyInAnyOrder(paused + ":pause", cancelled + ":cancel");
  }
}

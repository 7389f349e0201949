package io.tasklane.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

@Tag("fast")
class WireContractTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final UUID TASK = UUID.fromString("0b7d3c8e-8e0a-4a44-9f55-3a0f2d1c9e01");
  private static final Instant AT = Instant.parse("2026-11-20T10:15:30.123Z");
  private static final ResumeContext RESUME =
      new ResumeContext(
          1,
          List.of(
              ConversationMessage.of("user", "Write the report"),
              new ConversationMessage("tool", "{\"ok\":true}", "write_file", "call-1")));
  private static final List<PlanStep> PLAN =
      List.of(
          new PlanStep(0, "Fetch the page", "page saved", StepStatus.VERIFIED, 1, "saved"),
          PlanStep.pending(1, "Summarise", "summary.md exists"));

  static Stream<Object> messages() {
    var data =
        new TaskLifecycleEvent.Data(
            TASK,
            "acme",
            Runtime.SUBAGENT,
            Executor.RUNNER,
            "deploy-check",
            TaskStatus.NEEDS_ASSISTANCE,
            TaskStatus.RUNNING,
            "verifier said NO twice",
            NotifyPolicy.DONE_ONLY,
            DeliveryStatus.PENDING,
            "chat:42",
            "task_" + TASK,
            "run-1",
            UUID.randomUUID(),
            null,
            2,
            "step 2 of 3",
            null,
            null,
            Map.of("ticket", "OPS-7"));
    return Stream.of(
        new TaskDispatch(UUID.randomUUID(), TASK, "acme", 1, TaskDispatch.Reason.CREATED, AT),
        new TaskControl(
            UUID.randomUUID(),
            TASK,
            "acme",
            1,
            TaskControl.Command.NOTIFY_POLICY,
            NotifyPolicy.STATE_CHANGES,
            "operator",
            AT),
        new RunnerReport.PlanProposed(header(1), PLAN),
        new RunnerReport.StepStarted(header(1), 1),
        new RunnerReport.ToolCalled(
            header(1), 1, "call-1", "write_file", "{\"path\":\"a.md\"}", "written", false, 12),
        new RunnerReport.StepVerdict(header(1), 1, true, "file exists", "qwen3:4b", RESUME),
        new RunnerReport.Heartbeat(header(1), 30),
        new RunnerReport.Progress(header(1), "halfway"),
        new RunnerReport.Paused(header(1), "operator", RESUME),
        new RunnerReport.NeedsAssistance(header(1), "loop on fetch", RESUME),
        new RunnerReport.HandedBack(header(1), "runner r-1 is shutting down", RESUME),
        new RunnerReport.Finished(header(1), TaskStatus.SUCCEEDED, "done", null, RESUME),
        TaskLifecycleEvent.of(
            UUID.randomUUID(), TaskLifecycleEvent.TYPE_STATUS_CHANGED, AT, 7, data),
        new DeliveryReport(
            UUID.randomUUID(),
            UUID.randomUUID(),
            TASK,
            "acme",
            DeliveryChannel.TELEGRAM,
            DeliveryStatus.FAILED,
            "429 for 30 minutes",
            9,
            AT),
        new DeliveryReport(
            UUID.randomUUID(),
            UUID.randomUUID(),
            TASK,
            "acme",
            DeliveryChannel.INBOX,
            DeliveryStatus.DELIVERED,
            null,
            1,
            AT,
            7L,
            2),
        new TaskClaim("r-1", 3),
        new TaskClaim.Granted(
            TASK,
            "acme",
            3,
            "run-1",
            "Check the deploy",
            "deploy-check",
            "task_" + TASK,
            NotifyPolicy.DONE_ONLY,
            PLAN,
            1,
            RESUME,
            new ModelOptions("qwen3:4b", null, "qwen3:8b", List.of("http_fetch"), 120, 3600),
            AT,
            Map.of("k", "v")));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void everyMessageSurvivesAJsonRoundTrip(Object message) {
    String json = JSON.writeValueAsString(message);

    Object back = JSON.readValue(json, declaredType(message));

    assertThat(back).isEqualTo(message);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void unknownFieldsAreTolerated(Object message) {
    ObjectNode tree = (ObjectNode) JSON.valueToTree(message);
    tree.put("addedInALaterVersion", "ignored");
    tree.putObject("nestedNewThing").put("x", 1);

    Object back = JSON.treeToValue(tree, declaredType(message));

    assertThat(back).isEqualTo(message);
  }

  @Test
  void enumsTravelAsSnakeCase() {
    assertThat(JSON.writeValueAsString(TaskStatus.TIMED_OUT)).isEqualTo("\"timed_out\"");
    assertThat(JSON.writeValueAsString(TaskStatus.NEEDS_ASSISTANCE))
        .isEqualTo("\"needs_assistance\"");
    assertThat(JSON.writeValueAsString(NotifyPolicy.DONE_ONLY)).isEqualTo("\"done_only\"");
    assertThat(JSON.writeValueAsString(NotifyPolicy.STATE_CHANGES)).isEqualTo("\"state_changes\"");
    assertThat(JSON.writeValueAsString(DeliveryStatus.SESSION_QUEUED))
        .isEqualTo("\"session_queued\"");
    assertThat(JSON.writeValueAsString(DeliveryStatus.PARENT_MISSING))
        .isEqualTo("\"parent_missing\"");
    assertThat(JSON.writeValueAsString(DeliveryStatus.NOT_APPLICABLE))
        .isEqualTo("\"not_applicable\"");
    assertThat(WireEnum.allowedValues(Runtime.class))
        .containsExactly("subagent", "acp", "cron", "cli");
    assertThat(WireEnum.allowedValues(FlowStatus.class))
        .containsExactly(
            "queued", "running", "waiting", "blocked", "succeeded", "failed", "cancelled", "lost");
  }

  @Test
  void terminalStatusesAreExactlyTheFiveEndings() {
    assertThat(Stream.of(TaskStatus.values()).filter(TaskStatus::isTerminal))
        .containsExactly(
            TaskStatus.SUCCEEDED,
            TaskStatus.FAILED,
            TaskStatus.TIMED_OUT,
            TaskStatus.CANCELLED,
            TaskStatus.LOST);
    assertThat(TaskStatus.SUCCEEDED.isRetryable()).isFalse();
    assertThat(TaskStatus.LOST.isRetryable()).isTrue();
  }

  @Test
  void notifyPolicyDefaultsFollowTheRuntime() {
    assertThat(NotifyPolicy.defaultFor(Runtime.SUBAGENT)).isEqualTo(NotifyPolicy.DONE_ONLY);
    assertThat(NotifyPolicy.defaultFor(Runtime.ACP)).isEqualTo(NotifyPolicy.DONE_ONLY);
    assertThat(NotifyPolicy.defaultFor(Runtime.CRON)).isEqualTo(NotifyPolicy.SILENT);
    assertThat(NotifyPolicy.defaultFor(Runtime.CLI)).isEqualTo(NotifyPolicy.SILENT);
  }

  @Test
  void anUnknownEnumValueNamesTheFieldAndTheAllowedValues() {
    JsonNode tree =
        JSON.valueToTree(
            new TaskDispatch(UUID.randomUUID(), TASK, "acme", 1, TaskDispatch.Reason.RETRY, AT));
    ((ObjectNode) tree).put("reason", "because");

    assertThatThrownBy(() -> JSON.treeToValue(tree, TaskDispatch.class))
        .isInstanceOf(DatabindException.class)
        .satisfies(
            e -> {
              var path = ((DatabindException) e).getPath();
              assertThat(path.getLast().getPropertyName()).isEqualTo("reason");
            })
        .hasMessageContaining("'because'")
        .hasMessageContaining("created, retry, resume, recovery, redispatch");
  }

  @Test
  void anUnknownStatusInsideAnEventIsRejectedWithItsPath() {
    ObjectNode tree =
        (ObjectNode)
            JSON.valueToTree(
                messages().filter(TaskLifecycleEvent.class::isInstance).findFirst().orElseThrow());
    ((ObjectNode) tree.get("data")).put("status", "exploded");

    assertThatThrownBy(() -> JSON.treeToValue(tree, TaskLifecycleEvent.class))
        .isInstanceOf(DatabindException.class)
        .hasMessageContaining("\"status\"")
        .hasMessageContaining(String.join(", ", WireEnum.allowedValues(TaskStatus.class)));
  }

  @Test
  void lifecycleEventsHaveTheCloudEventsShape() {
    Object event =
        messages().filter(TaskLifecycleEvent.class::isInstance).findFirst().orElseThrow();
    JsonNode tree = JSON.valueToTree(event);

    assertThat(tree.get("specversion").asString()).isEqualTo("1.0");
    assertThat(tree.get("type").asString()).isEqualTo("io.tasklane.task.status_changed");
    assertThat(tree.get("source").asString()).isEqualTo("/tasklane/task-ledger");
    assertThat(tree.get("subject").asString()).isEqualTo(TASK.toString());
    assertThat(tree.get("time").asString()).isEqualTo("2026-11-20T10:15:30.123Z");
    assertThat(tree.get("datacontenttype").asString()).isEqualTo("application/json");
    assertThat(tree.get("data").get("status").asString()).isEqualTo("needs_assistance");
  }

  @Test
  void runnerReportsCarryTheirTypeOnTheWire() {
    var report = new RunnerReport.Heartbeat(header(4), 30);

    JsonNode tree = JSON.valueToTree(report);

    assertThat(tree.get("type").asString()).isEqualTo("heartbeat");
    assertThat(tree.get("header").get("taskId").asString()).isEqualTo(TASK.toString());
    assertThat(tree.get("header").get("attempt").asInt()).isEqualTo(4);
    assertThat(tree.has("taskId")).as("the header's fields travel once, inside it").isFalse();
    assertThat(JSON.treeToValue(tree, RunnerReport.class)).isEqualTo(report);
  }

  private static RunnerReport.Header header(int attempt) {
    return new RunnerReport.Header(UUID.randomUUID(), TASK, "acme", attempt, "r-1", AT);
  }

  private static Class<?> declaredType(Object message) {
    return message instanceof RunnerReport ? RunnerReport.class : message.getClass();
  }
}

package io.tasklane.runner.subtasks;

import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.tools.Tool;
import io.tasklane.runner.tools.ToolResult;
import io.tasklane.runner.tools.ToolScope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates a child task on the ledger and waits until it has ended (or needs an operator), woken by
 * the child's lifecycle event, never by polling. The child inherits the parent's model options,
 * minus this tool, so children do not spawn children of their own.
 *
 * <p>The idempotency key is the parent, the step and the child request itself, not the model's call
 * id: a recovered, resumed or retried parent whose model asks for the same child again gets the
 * same child back instead of a second one.
 */
@Component
class SpawnSubtaskTool implements Tool {

  static final String NAME = "spawn_subtask";

  private static final Logger log = LoggerFactory.getLogger(SpawnSubtaskTool.class);
  private static final int LABEL_CHARS = 80;

  private final LedgerTasks ledger;
  private final ChildTasks children;
  private final JsonMapper json;
  private final List<String> defaultAllowed;

  SpawnSubtaskTool(
      LedgerTasks ledger, ChildTasks children, JsonMapper json, RunnerProperties properties) {
    this.ledger = ledger;
    this.children = children;
    this.json = json;
    this.defaultAllowed = properties.tools().defaultAllowed();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Hand a self-contained piece of work to a child task run by another agent, and wait until"
        + " it has ended. Returns the child's id, final status and its summary or error.";
  }

  @Override
  public String parametersSchema() {
    return """
        {"type":"object","properties":{\
        "goal":{"type":"string","description":"What the child task must achieve, self-contained"},\
        "label":{"type":"string","description":"A short name for the child task"},\
        "tools":{"type":"array","items":{"type":"string"},"description":"Tools the child may use; a subset of yours, default all of yours"},\
        "model":{"type":"string","description":"Executor model for the child; default yours"},\
        "plannerModel":{"type":"string"},\
        "verifierModel":{"type":"string"}},\
        "required":["goal"]}""";
  }

  @Override
  public ToolResult run(Map<String, Object> arguments, ToolScope scope)
      throws InterruptedException {
    if (!(arguments.get("goal") instanceof String goal) || goal.isBlank()) {
      return ToolResult.error(NAME + " needs a non-empty string 'goal'.");
    }
    ChildTaskRequest request;
    try {
      request = request(goal.trim(), arguments, scope.task());
    } catch (IllegalArgumentException invalid) {
      return ToolResult.error(NAME + " refused: " + invalid.getMessage());
    }
    String tenant = scope.task().tenant();
    ChildTask child;
    try {
      child = ledger.create(tenant, idempotencyKey(scope, request), request);
    } catch (RestClientResponseException e) {
      return ToolResult.error(
          "The ledger refused the child task (HTTP "
              + e.getStatusCode().value()
              + "): "
              + e.getResponseBodyAsString());
    } catch (RestClientException e) {
      return ToolResult.error("The child task could not be created: " + e.getMessage());
    }
    return waitFor(child, tenant, scope);
  }

  private ToolResult waitFor(ChildTask child, String tenant, ToolScope scope)
      throws InterruptedException {
    CompletableFuture<ChildTask> settled = children.await(child.taskId());
    try {
      // the child may have ended before the wait was registered: its event is then gone
      ChildTask now = child;
      try {
        now = ledger.get(tenant, child.taskId());
      } catch (RestClientException e) {
        log.warn("Child task {} could not be read, waiting for its events", child.taskId(), e);
      }
      children.observed(now);
      CompletableFuture.anyOf(settled, scope.pauseRequested().toCompletableFuture()).get();
      if (!settled.isDone()) {
        return ToolResult.error(
            "The task is being paused while child task "
                + child.taskId()
                + " is still "
                + now.status().wire()
                + ". After the resume, call "
                + NAME
                + " again with the same arguments to wait for the same child.");
      }
      return result(settled.get());
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      children.forget(child.taskId());
    }
  }

  private ChildTaskRequest request(
      String goal, Map<String, Object> arguments, TaskClaim.Granted p) {
    ModelOptions parent =
        p.modelOptions() == null
            ? new ModelOptions(null, null, null, null, null, null)
            : p.modelOptions();
    List<String> parentTools =
        parent.toolsAllowed() == null ? defaultAllowed : parent.toolsAllowed();
    List<String> inherited = parentTools.stream().filter(t -> !t.equals(NAME)).toList();
    List<String> tools = inherited;
    if (arguments.get("tools") != null) {
      if (!(arguments.get("tools") instanceof List<?> wanted)) {
        throw new IllegalArgumentException("'tools' must be a list of tool names");
      }
      tools = new ArrayList<>();
      for (Object name : wanted) {
        if (!(name instanceof String tool) || !inherited.contains(tool)) {
          throw new IllegalArgumentException(
              "a child may only use tools of its parent: " + String.join(", ", inherited));
        }
        tools.add(tool);
      }
    }
    ModelOptions options =
        new ModelOptions(
            text(arguments, "model", parent.model()),
            text(arguments, "plannerModel", parent.plannerModel()),
            text(arguments, "verifierModel", parent.verifierModel()),
            tools,
            parent.roundTimeoutSeconds(),
            parent.runTimeoutSeconds());
    String label = text(arguments, "label", null);
    if (label == null) {
      label = goal.length() <= LABEL_CHARS ? goal : goal.substring(0, LABEL_CHARS);
    }
    return new ChildTaskRequest(
        goal, label, Runtime.SUBAGENT, p.taskId(), p.childSessionKey(), options);
  }

  private static String text(Map<String, Object> arguments, String name, String otherwise) {
    Object value = arguments.get(name);
    if (value == null) {
      return otherwise;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException("'" + name + "' must be a non-empty string");
    }
    return text.trim();
  }

  private String idempotencyKey(ToolScope scope, ChildTaskRequest request) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(json.writeValueAsString(request).getBytes(StandardCharsets.UTF_8));
      return NAME
          + ":"
          + scope.task().taskId()
          + ":"
          + scope.step()
          + ":"
          + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ToolResult result(ChildTask child) {
    StringBuilder text =
        new StringBuilder("Child task ")
            .append(child.taskId())
            .append(" ended with status ")
            .append(child.status().wire())
            .append('.');
    append(text, "Summary", child.terminalSummary());
    append(text, "Reason", child.statusReason());
    if (child.error() != null && !child.error().equals(child.statusReason())) {
      append(text, "Error", child.error());
    }
    if (child.status() == TaskStatus.SUCCEEDED) {
      return ToolResult.ok(text.toString());
    }
    text.append("\nCalling ")
        .append(NAME)
        .append(" again with the same arguments returns this same child;")
        .append(" change the goal to start a new one.");
    return ToolResult.error(text.toString());
  }

  private static void append(StringBuilder text, String name, String value) {
    if (value != null && !value.isBlank()) {
      text.append('\n').append(name).append(": ").append(value);
    }
  }
}

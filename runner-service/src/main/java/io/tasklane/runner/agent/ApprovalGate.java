package io.tasklane.runner.agent;

import io.tasklane.contracts.ApprovalDecision;
import io.tasklane.contracts.ApprovalPolicy;
import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.ApprovalRule;
import io.tasklane.contracts.DeadlineAction;
import io.tasklane.contracts.ToolNames;
import io.tasklane.runner.tools.ToolResult;
import io.tasklane.runner.tools.Toolbox;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import org.springframework.ai.chat.messages.AssistantMessage.ToolCall;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tool calls that wait for an operator. A call a rule of the task's approval policy covers is not
 * run: the run stops before it with the request in its resume context, and holds no slot while it
 * waits. On the claim after the decision, the call the conversation still waits for is answered
 * first: an approved call runs, once; a denied or expired one is answered with who denied it.
 *
 * <p>An approved call runs at most once: the ledger hands it out as not yet executed to one attempt
 * only, and every later attempt gets it marked executed, so a run that stopped right after the call
 * never runs it again.
 */
final class ApprovalGate {

  /** Why the calls of a reply after one that waits for approval were not run. */
  static final String LATER_CALLS =
      "an earlier call of this reply waits for an operator's approval; call it again once that is"
          + " decided";

  private final JsonMapper json;

  ApprovalGate(JsonMapper json) {
    this.json = json;
  }

  /** Runs an approved call through the agent loop's guards and records it. */
  @FunctionalInterface
  interface CallRunner {
    ToolResult run(ToolCall call) throws InterruptedException;
  }

  /**
   * True when {@code call} waits for approval; the request is then on the run and the round stops.
   */
  boolean holds(TaskRun run, int step, ToolCall call, Toolbox.TaskTools tools) {
    ApprovalPolicy policy =
        run.task.modelOptions() == null ? null : run.task.modelOptions().approvals();
    if (policy == null || !tools.has(call.name())) {
      return false;
    }
    Map<String, Object> arguments = arguments(call.arguments());
    if (arguments == null || !needsApproval(policy, call.name(), arguments)) {
      // unreadable arguments are refused by the loop without running anything
      return false;
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ApprovalRequest previous = run.approval;
    run.approval =
        new ApprovalRequest(
            previous == null ? 1 : previous.number() + 1,
            call.id(),
            call.name(),
            call.arguments(),
            step,
            policy.approvers(),
            now,
            policy.deadlineSeconds() == null ? null : now.plusSeconds(policy.deadlineSeconds()),
            policy.onDeadline() == null ? DeadlineAction.DENY : policy.onDeadline(),
            null,
            null,
            null,
            null,
            false);
    return true;
  }

  /** The reason the run stops for: {@code approval_required} when a call waits for a decision. */
  static String stopReason(String reason) {
    return LATER_CALLS.equals(reason) ? ApprovalRequest.REASON : reason;
  }

  /**
   * Answers the decided call the conversation still waits for, before anything else of the step.
   */
  void answer(TaskRun run, CallRunner runner) throws InterruptedException {
    ApprovalRequest request = run.approval;
    if (request == null
        || request.callId() == null
        || run.conversation.answered(request.callId())) {
      return;
    }
    if (request.decision() == ApprovalDecision.APPROVED && !request.executed()) {
      run.approval = executed(request);
      ToolResult result =
          runner.run(
              new ToolCall(
                  request.callId(),
                  "function",
                  request.tool(),
                  request.arguments() == null ? "" : request.arguments()));
      run.conversation.lateToolResult(request.callId(), request.tool(), result.output());
      return;
    }
    run.conversation.lateToolResult(request.callId(), request.tool(), notRun(request));
  }

  /** The tool result of a call that waited for approval and is not run now. */
  static String notRun(ApprovalRequest request) {
    if (request.decision() == null) {
      return "Not run: the task was resumed without a decision on this call. Call it again if it"
          + " is still needed; it will wait for approval again.";
    }
    String comment =
        request.comment() == null || request.comment().isBlank()
            ? ""
            : " (\"" + Prompts.truncate(request.comment(), 500) + "\")";
    return switch (request.decision()) {
      case APPROVED ->
          "Not run again: this call was approved and handed to an earlier attempt of the task,"
              + " which stopped before its result was recorded. An approved call runs at most"
              + " once; check its effect before you go on.";
      case DENIED ->
          "Not run: the call was denied by "
              + request.decidedBy()
              + comment
              + ". Do not call it again; find another way or finish without it.";
      case EXPIRED ->
          "Not run: no one approved the call before its deadline, so it was denied. Do not call"
              + " it again; find another way or finish without it.";
    };
  }

  /**
   * Whether the policy holds a call: {@code shell} (and any tool without exceptions) always; {@code
   * http_fetch} unless its URL's host is allowed; {@code write_file} unless its path, normalized,
   * lies under the allowed prefix.
   */
  static boolean needsApproval(ApprovalPolicy policy, String tool, Map<String, Object> arguments) {
    for (ApprovalRule rule : policy.rules()) {
      if (tool.equals(rule.tool()) && !excepted(rule, tool, arguments)) {
        return true;
      }
    }
    return false;
  }

  private static boolean excepted(ApprovalRule rule, String tool, Map<String, Object> arguments) {
    return switch (tool) {
      case ToolNames.HTTP_FETCH -> allowedHost(rule, arguments.get("url"));
      case ToolNames.WRITE_FILE -> underPrefix(rule.allowedPathPrefix(), arguments.get("path"));
      default -> false;
    };
  }

  private static boolean allowedHost(ApprovalRule rule, Object url) {
    if (!(url instanceof String text) || rule.allowedHosts().isEmpty()) {
      return false;
    }
    String host;
    try {
      host = URI.create(text.trim()).getHost();
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (host == null) {
      return false;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    for (String allowed : rule.allowedHosts()) {
      if (allowed != null && name.equals(allowed.trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** A path the sandbox would resolve inside the prefix; {@code ..} tricks are normalized away. */
  static boolean underPrefix(String prefix, Object path) {
    if (prefix == null || prefix.isBlank() || !(path instanceof String text) || text.isBlank()) {
      return false;
    }
    if (text.indexOf('\0') >= 0 || text.startsWith("/") || text.startsWith("\\")) {
      return false;
    }
    try {
      Path given = Path.of(text);
      if (given.isAbsolute()) {
        return false;
      }
      Path base = Path.of("/workspace");
      Path target = base.resolve(given).normalize();
      Path allowed = base.resolve(Path.of(stripLeadingSlashes(prefix))).normalize();
      return target.startsWith(allowed) && allowed.startsWith(base);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static String stripLeadingSlashes(String prefix) {
    String p = prefix.trim();
    while (p.startsWith("/") || p.startsWith("./")) {
      p = p.startsWith("/") ? p.substring(1) : p.substring(2);
    }
    return p.isEmpty() ? "." : p;
  }

  private static ApprovalRequest executed(ApprovalRequest r) {
    return new ApprovalRequest(
        r.number(),
        r.callId(),
        r.tool(),
        r.arguments(),
        r.stepIndex(),
        r.approvers(),
        r.requestedAt(),
        r.deadline(),
        r.onDeadline(),
        r.decision(),
        r.decidedBy(),
        r.decidedAt(),
        r.comment(),
        true);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> arguments(String arguments) {
    if (arguments == null || arguments.isBlank()) {
      return null;
    }
    try {
      return json.readValue(arguments, Object.class) instanceof Map<?, ?> map
          ? (Map<String, Object>) map
          : null;
    } catch (JacksonException e) {
      return null;
    }
  }
}

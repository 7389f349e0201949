package io.tasklane.runner.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tasklane.contracts.ObservedCall;
import io.tasklane.contracts.PlanCheck;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.StepStatus;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.VerdictSource;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.model.MalformedModelReplyException;
import io.tasklane.runner.model.ModelGateway;
import io.tasklane.runner.model.ModelReply;
import io.tasklane.runner.model.ModelRole;
import io.tasklane.runner.model.ModelUnavailableException;
import io.tasklane.runner.tools.AssistanceRequestedException;
import io.tasklane.runner.tools.ToolResult;
import io.tasklane.runner.tools.ToolScope;
import io.tasklane.runner.tools.Toolbox;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage.ToolCall;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one claimed task in verified rounds: plan if needed, then each step in rounds of model calls
 * and runner-executed tool calls, verified before it advances; then a final summary.
 */
@Component
class AgentLoop {

  private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);

  private final RunnerProperties properties;
  private final ModelGateway models;
  private final Planner planner;
  private final Verifier verifier;
  private final Toolbox toolbox;
  private final Reporter reporter;
  private final JsonMapper json;
  private final MeterRegistry meters;
  private final Checks checks;
  private final ApprovalGate approvals;

  AgentLoop(
      RunnerProperties properties,
      ModelGateway models,
      Planner planner,
      Verifier verifier,
      Toolbox toolbox,
      Reporter reporter,
      JsonMapper json,
      MeterRegistry meters) {
    this.properties = properties;
    this.models = models;
    this.planner = planner;
    this.verifier = verifier;
    this.toolbox = toolbox;
    this.reporter = reporter;
    this.json = json;
    this.meters = meters;
    this.checks = new Checks(json);
    this.approvals = new ApprovalGate(json);
  }

  /** Runs the task to one of its reported ends; never throws. */
  void run(TaskRun run) {
    TaskModels taskModels = TaskModels.of(properties, run.task.modelOptions());
    try {
      execute(run, taskModels);
    } catch (TaskRun.PauseRequested pause) {
      reporter.paused(run, pause.getMessage());
    } catch (NeedsAssistanceException e) {
      afterStop(run, () -> reporter.needsAssistance(run, e.getMessage()));
    } catch (ModelUnavailableException e) {
      afterStop(
          run,
          () ->
              reporter.finished(
                  run,
                  e.timedOut() ? TaskStatus.TIMED_OUT : TaskStatus.FAILED,
                  "The model could not be reached.",
                  e.getMessage()));
    } catch (InterruptedException | RuntimeException e) {
      afterStop(
          run,
          () -> {
            log.error("Task {} failed", run.task.taskId(), e);
            reporter.finished(run, TaskStatus.FAILED, "The runner failed.", String.valueOf(e));
          });
    }
  }

  /** When the run was stopped from outside, that decides the outcome, whatever the exception. */
  private void afterStop(TaskRun run, Runnable otherwise) {
    Thread.interrupted();
    TaskRun.Stop stop = run.stopped();
    if (stop == null) {
      otherwise.run();
      return;
    }
    switch (stop) {
      case CANCELLED ->
          reporter.finished(run, TaskStatus.CANCELLED, "Cancelled by an operator.", null);
      case TIMED_OUT ->
          reporter.finished(
              run,
              TaskStatus.TIMED_OUT,
              "The run did not finish within its time limit.",
              "run timeout exceeded");
      case RUNNER_SHUTDOWN -> {
        log.info("Runner shutting down: task {} is handed back", run.task.taskId());
        reporter.handedBack(run, "runner " + run.runnerId + " is shutting down");
      }
    }
  }

  private void execute(TaskRun run, TaskModels taskModels) throws InterruptedException {
    if (run.plan.isEmpty()) {
      run.checkpoint();
      run.plan.addAll(planner.plan(run.task.goal(), taskModels, run.spend));
      reporter.planProposed(run, List.copyOf(run.plan));
    }
    if (run.conversation.size() == 0) {
      run.conversation.user("Task: " + run.task.goal());
    }
    Toolbox.TaskTools tools =
        toolbox.forTask(
            run.task.modelOptions() == null ? null : run.task.modelOptions().toolsAllowed());
    for (int i = run.currentStep; i < run.plan.size(); i++) {
      if (run.plan.get(i).status() != StepStatus.VERIFIED) {
        runStep(run, i, taskModels, tools);
      }
      run.currentStep = i + 1;
    }
    run.checkpoint();
    reporter.finished(run, TaskStatus.SUCCEEDED, summary(run, taskModels), null);
  }

  private void runStep(TaskRun run, int index, TaskModels taskModels, Toolbox.TaskTools tools)
      throws InterruptedException {
    StepEvidence evidence = run.evidence;
    evidence.beginStep(index);
    LoopGuard guard = new LoopGuard(properties.loopGuard());
    approvals.answer(run, call -> runTool(run, index, call, tools, guard));
    String feedback = run.plan.get(index).verdict();
    int attempts = properties.verificationRetries() + 1;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      run.checkpoint();
      evidence.beginAttempt(attempt == 1);
      PlanStep step = update(run, index, StepStatus.RUNNING, run.plan.get(index).verdict(), 1);
      Map<String, String> before = fingerprints(step, run);
      reporter.stepStarted(run, index);
      run.conversation.user(Prompts.stepInstruction(step, feedback));
      Budget budget = new Budget(properties.loopGuard().maxCallsPerAttempt());
      boolean finished = false;
      for (int round = 1; round <= properties.maxRoundsPerStep() && !budget.spent(); round++) {
        run.checkpoint();
        if (!round(run, index, feedback, taskModels, tools, guard, budget)) {
          finished = true;
          break;
        }
        if (run.progressDue(properties.progressInterval())) {
          reporter.stillWorking(run, index, round);
        }
      }
      run.checkpoint();
      Decision verdict = decide(run, step, finished, budget, before, taskModels);
      update(
          run,
          index,
          verdict.passed() ? StepStatus.VERIFIED : StepStatus.RUNNING,
          verdict.reason(),
          0);
      if (verdict.passed()) {
        run.currentStep = index + 1;
      }
      reporter.verdict(
          run,
          index,
          verdict.passed(),
          verdict.reason(),
          verdict.source() == VerdictSource.MODEL_JUDGED ? taskModels.verifierModel() : null,
          verdict.source(),
          verdict.answer());
      if (verdict.passed()) {
        reporter.stepVerified(run, index);
        return;
      }
      feedback = verdict.reason();
    }
    update(run, index, StepStatus.FAILED, feedback, 0);
    throw new NeedsAssistanceException(
        "Step " + (index + 1) + " was not verified after " + attempts + " attempts: " + feedback);
  }

  /** What decided a step attempt, and how. */
  private record Decision(boolean passed, String reason, VerdictSource source, String answer) {}

  /**
   * The verdict of one step attempt. An attempt that never finished, or in which no call succeeded,
   * is NO without asking anyone; a step with a check is decided by the check alone; only the rest
   * goes to the verifier model, which sees what the runner observed.
   */
  private Decision decide(
      TaskRun run,
      PlanStep step,
      boolean finished,
      Budget budget,
      Map<String, String> before,
      TaskModels taskModels)
      throws InterruptedException {
    if (!finished) {
      String why =
          budget.spent()
              ? "the attempt used all of its " + budget.limit + " tool calls without finishing"
              : "the attempt used all of its "
                  + properties.maxRoundsPerStep()
                  + " rounds without finishing";
      return new Decision(false, "No: " + why + ".", VerdictSource.RUNNER, null);
    }
    if (step.check() != null) {
      Checks.Result result =
          checks.evaluate(step.check(), run.workspace, run.evidence.calls(), before);
      return new Decision(result.passed(), result.reason(), VerdictSource.CHECK, null);
    }
    if (!run.evidence.anySucceededThisAttempt()) {
      return new Decision(
          false,
          "No: no tool call of this attempt succeeded, so nothing was observed that could show"
              + " the step is done.",
          VerdictSource.RUNNER,
          null);
    }
    Verifier.Verdict verdict =
        verifier.verify(step, run.evidence, run.workspace, taskModels, run.spend);
    return new Decision(
        verdict.passed(),
        verdict.reason(),
        VerdictSource.MODEL_JUDGED,
        verdict.answer() == null ? null : Prompts.truncate(verdict.answer(), 2000));
  }

  private static Map<String, String> fingerprints(PlanStep step, TaskRun run) {
    PlanCheck check = step.check();
    if (check == null
        || check.path() == null
        || !(check.type().equals(PlanCheck.FILE_CHANGED_IN_STEP)
            || check.type().equals(PlanCheck.FILE_UNCHANGED))) {
      return Map.of();
    }
    return Map.of(check.path(), Checks.fingerprint(run.workspace, check.path()));
  }

  /** How many tool calls a step attempt may still make. */
  private static final class Budget {
    final int limit;
    int used;

    Budget(int limit) {
      this.limit = limit;
    }

    boolean spent() {
      return used >= limit;
    }
  }

  /** One model round; true when the step goes on (the model called tools, or was unreadable). */
  private boolean round(
      TaskRun run,
      int index,
      String feedback,
      TaskModels taskModels,
      Toolbox.TaskTools tools,
      LoopGuard guard,
      Budget budget)
      throws InterruptedException {
    String system = Prompts.step(run.task.goal(), run.plan, index, feedback);
    ModelReply reply;
    try {
      reply =
          run.spend.call(
              models,
              taskModels.call(
                  ModelRole.EXECUTOR,
                  run.conversation.toPrompt(system, this::isJsonObject),
                  tools.offered()));
    } catch (MalformedModelReplyException malformed) {
      meters.counter("tasklane.runner.model.malformed_rounds", "role", "executor").increment();
      run.conversation.user(
          "[runner] Your last reply could not be read: "
              + malformed.getMessage()
              + ". Nothing was run. Call the tools again, each call's arguments as one JSON"
              + " object, or answer in plain text when the step is done.");
      return true;
    }
    if (!reply.hasToolCalls()) {
      run.conversation.assistant(reply.text());
      return false;
    }
    if (!reply.text().isBlank()) {
      run.conversation.assistant(reply.text());
    }
    List<ToolCall> calls = new ArrayList<>();
    for (ToolCall call : reply.toolCalls()) {
      String id =
          call.id() == null || call.id().isBlank()
              ? "call_" + (run.conversation.size() + calls.size())
              : call.id();
      calls.add(
          new ToolCall(
              id, "function", call.name(), call.arguments() == null ? "" : call.arguments()));
    }
    calls.forEach(c -> run.conversation.toolCall(c.id(), c.name(), c.arguments()));
    String stopReason = null;
    int perReply = properties.loopGuard().maxCallsPerReply();
    for (int i = 0; i < calls.size(); i++) {
      ToolCall call = calls.get(i);
      if (stopReason != null) {
        run.conversation.toolResult(call.id(), call.name(), "Not run: " + stopReason);
        continue;
      }
      if (i >= perReply || budget.spent()) {
        String why =
            i >= perReply
                ? "Not run: a reply may make at most " + perReply + " tool calls."
                : "Not run: this attempt has used all of its " + budget.limit + " tool calls.";
        ToolResult refused =
            record(
                run,
                index,
                call,
                ToolResult.error(why),
                System.nanoTime(),
                ObservedCall.BLOCKED,
                null,
                tools);
        run.conversation.toolResult(call.id(), call.name(), refused.output());
        continue;
      }
      Spend.Limit spent = run.spend.beforeToolCall();
      if (spent != null) {
        stopReason = spent.reason();
        run.conversation.toolResult(call.id(), call.name(), "Not run: " + stopReason);
        continue;
      }
      if (approvals.holds(run, index, call, tools)) {
        stopReason = ApprovalGate.LATER_CALLS;
        continue;
      }
      run.spend.toolCalled();
      budget.used++;
      try {
        ToolResult result = runTool(run, index, call, tools, guard);
        run.conversation.toolResult(call.id(), call.name(), result.output());
      } catch (StopAfterCall stop) {
        run.conversation.toolResult(call.id(), call.name(), stop.result);
        stopReason = stop.getMessage();
      }
    }
    if (stopReason != null) {
      throw new NeedsAssistanceException(ApprovalGate.stopReason(stopReason));
    }
    return true;
  }

  private ToolResult runTool(
      TaskRun run, int index, ToolCall call, Toolbox.TaskTools tools, LoopGuard guard)
      throws InterruptedException {
    long started = System.nanoTime();
    Map<String, Object> arguments;
    try {
      arguments = parseArguments(call.arguments());
    } catch (IllegalArgumentException malformed) {
      return record(
          run,
          index,
          call,
          ToolResult.error(
              "Invalid arguments for "
                  + call.name()
                  + ": "
                  + malformed.getMessage()
                  + ". Nothing was run. Call the tool again with the arguments as one JSON object."),
          started,
          ObservedCall.MALFORMED,
          null,
          tools);
    }
    LoopGuard.Verdict loop = guard.check(call.name(), canonical(arguments));
    if (loop.action() != LoopGuard.Action.ALLOW) {
      meters
          .counter(
              "tasklane.runner.loop_guard.hits",
              "action",
              loop.action().name().toLowerCase(),
              "pattern",
              loop.pattern())
          .increment();
    }
    switch (loop.action()) {
      case BLOCK -> {
        return record(
            run,
            index,
            call,
            ToolResult.error(blocked(call, loop)),
            started,
            ObservedCall.BLOCKED,
            null,
            tools);
      }
      case GIVE_UP -> {
        String result = blocked(call, loop);
        record(
            run, index, call, ToolResult.error(result), started, ObservedCall.BLOCKED, null, tools);
        throw new StopAfterCall(
            "The model kept repeating "
                + call.name()
                + " "
                + Prompts.truncate(call.arguments(), 500)
                + " ("
                + loop.pattern()
                + ", "
                + loop.repeats()
                + " times in the last calls); the loop guard stopped the task.",
            result);
      }
      default -> {}
    }
    ToolResult result;
    try {
      result =
          tools.run(
              call.name(),
              arguments,
              new ToolScope(
                  run.task, index, run.workspace, run::processStarted, run.pauseRequested()));
    } catch (AssistanceRequestedException question) {
      String answer = "The operator has been asked: " + question.getMessage();
      record(run, index, call, ToolResult.ok(answer), started, ObservedCall.OK, arguments, tools);
      throw new StopAfterCall("The model asked for assistance: " + question.getMessage(), answer);
    }
    if (loop.action() == LoopGuard.Action.GUIDE) {
      String guidance =
          loop.pattern().equals("counter")
              ? "\n\n[runner] You have made this call "
                  + loop.repeats()
                  + " times with only a number changed; counting up will not finish the step. Do"
                  + " something different, or finish the step. Such calls will be blocked."
              : "\n\n[runner] You have made this exact call "
                  + loop.repeats()
                  + " times; repeating it will not change the result. Do something different, or"
                  + " finish the step. The call will be blocked if repeated.";
      result = new ToolResult(result.output() + guidance, result.error());
    }
    String outcome =
        !tools.has(call.name())
            ? ObservedCall.UNKNOWN_TOOL
            : result.error() ? ObservedCall.FAILED : ObservedCall.OK;
    return record(run, index, call, result, started, outcome, arguments, tools);
  }

  private ToolResult record(
      TaskRun run,
      int index,
      ToolCall call,
      ToolResult result,
      long startedNanos,
      String outcome,
      Map<String, Object> arguments,
      Toolbox.TaskTools tools) {
    long nanos = System.nanoTime() - startedNanos;
    boolean known = tools.has(call.name());
    Timer.builder("tasklane.runner.tool.calls")
        .tags("tool", known ? call.name() : "unknown", "outcome", result.error() ? "error" : "ok")
        .register(meters)
        .record(nanos, TimeUnit.NANOSECONDS);
    String target = target(call.name(), arguments);
    boolean modelAuthored =
        ObservedCall.OK.equals(outcome)
            && ("spawn_subtask".equals(call.name())
                || ("read_file".equals(call.name())
                    && target != null
                    && run.evidence.wroteFile(target)));
    run.evidence.record(
        new ObservedCall(
            index,
            known ? call.name() : null,
            known ? outcome : ObservedCall.UNKNOWN_TOOL,
            result.output(),
            target,
            modelAuthored));
    reporter.toolCalled(
        run,
        index,
        call.id(),
        call.name(),
        call.arguments(),
        result.output(),
        result.error(),
        TimeUnit.NANOSECONDS.toMillis(nanos));
    return result;
  }

  /** What a call was about, as the runner read its arguments: a file, a URL, a command. */
  private static String target(String tool, Map<String, Object> arguments) {
    if (arguments == null) {
      return null;
    }
    Object value =
        switch (tool) {
          case "write_file", "read_file" -> arguments.get("path");
          case "http_fetch" -> arguments.get("url");
          case "shell" -> arguments.get("command");
          default -> null;
        };
    if (!(value instanceof String text)) {
      return null;
    }
    if (tool.endsWith("_file")) {
      try {
        return Path.of(text).normalize().toString();
      } catch (InvalidPathException e) {
        return null;
      }
    }
    return text.trim();
  }

  private static String blocked(ToolCall call, LoopGuard.Verdict loop) {
    return "Blocked by the runner: "
        + call.name()
        + " with these arguments was repeated "
        + loop.repeats()
        + " times ("
        + loop.pattern()
        + "). It was not run. Change your approach or finish the step.";
  }

  private String summary(TaskRun run, TaskModels taskModels) throws InterruptedException {
    String fallback =
        "All " + run.plan.size() + " steps verified.\n" + Prompts.verifiedResults(run.plan);
    try {
      String text =
          Prompts.answer(
              run.spend
                  .call(
                      models,
                      taskModels.call(
                          ModelRole.EXECUTOR,
                          List.of(
                              new SystemMessage(Prompts.summary()),
                              new UserMessage(Prompts.summaryRequest(run.task.goal(), run.plan))),
                          List.of()))
                  .text());
      return text.isBlank() ? fallback : text;
    } catch (ModelUnavailableException | Spend.BudgetExhaustedException e) {
      // every step is verified: a spent budget costs the summary, not the outcome
      log.warn(
          "Task {}: no model summary ({}), using the verified steps",
          run.task.taskId(),
          e.getMessage());
      return fallback;
    }
  }

  private static PlanStep update(
      TaskRun run, int index, StepStatus status, String verdict, int newAttempts) {
    PlanStep s = run.plan.get(index);
    PlanStep updated = s.with(status, s.attempts() + newAttempts, verdict);
    run.plan.set(index, updated);
    return updated;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> parseArguments(String arguments) {
    if (arguments == null || arguments.isBlank()) {
      throw new IllegalArgumentException("the arguments are empty");
    }
    Object value;
    try {
      value = json.readValue(arguments, Object.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return (Map<String, Object>) map;
  }

  private boolean isJsonObject(String arguments) {
    try {
      parseArguments(arguments);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private String canonical(Object value) {
    return json.writeValueAsString(sorted(value));
  }

  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> ordered = new TreeMap<>();
      map.forEach((k, v) -> ordered.put(String.valueOf(k), sorted(v)));
      return ordered;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(AgentLoop::sorted).toList();
    }
    return value;
  }

  /** A tool call that ends the round: its result is recorded, then the task needs assistance. */
  private static final class StopAfterCall extends RuntimeException {
    final String result;

    StopAfterCall(String reason, String result) {
      super(reason, null, false, false);
      this.result = result;
    }
  }
}

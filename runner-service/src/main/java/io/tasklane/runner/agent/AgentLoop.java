package io.tasklane.runner.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.StepStatus;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.model.ModelGateway;
import io.tasklane.runner.model.ModelReply;
import io.tasklane.runner.model.ModelRole;
import io.tasklane.runner.model.ModelUnavailableException;
import io.tasklane.runner.tools.AssistanceRequestedException;
import io.tasklane.runner.tools.ToolResult;
import io.tasklane.runner.tools.ToolScope;
import io.tasklane.runner.tools.Toolbox;
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
      case RUNNER_SHUTDOWN ->
          log.info("Runner shutting down: task {} is left to lease recovery", run.task.taskId());
    }
  }

  private void execute(TaskRun run, TaskModels taskModels) throws InterruptedException {
    if (run.plan.isEmpty()) {
      run.checkpoint();
      run.plan.addAll(planner.plan(run.task.goal(), taskModels));
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
    List<Evidence> evidence = new ArrayList<>();
    LoopGuard guard = new LoopGuard(properties.loopGuard());
    String feedback = run.plan.get(index).verdict();
    int attempts = properties.verificationRetries() + 1;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      run.checkpoint();
      PlanStep step = update(run, index, StepStatus.RUNNING, run.plan.get(index).verdict(), 1);
      reporter.stepStarted(run, index);
      run.conversation.user(Prompts.stepInstruction(step, feedback));
      for (int round = 1; round <= properties.maxRoundsPerStep(); round++) {
        run.checkpoint();
        if (!round(run, index, feedback, taskModels, tools, guard, evidence)) {
          break;
        }
        if (run.progressDue(properties.progressInterval())) {
          reporter.stillWorking(run, index, round);
        }
      }
      run.checkpoint();
      Verifier.Verdict verdict = verifier.verify(run.plan.get(index), evidence, taskModels);
      update(
          run,
          index,
          verdict.passed() ? StepStatus.VERIFIED : StepStatus.RUNNING,
          verdict.reason(),
          0);
      if (verdict.passed()) {
        run.currentStep = index + 1;
      }
      reporter.verdict(run, index, verdict.passed(), verdict.reason(), taskModels.verifierModel());
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

  /** One model round; true when the model called tools and the step goes on. */
  private boolean round(
      TaskRun run,
      int index,
      String feedback,
      TaskModels taskModels,
      Toolbox.TaskTools tools,
      LoopGuard guard,
      List<Evidence> evidence)
      throws InterruptedException {
    String system = Prompts.step(run.task.goal(), run.plan, index, feedback);
    ModelReply reply =
        models.call(
            taskModels.call(
                ModelRole.EXECUTOR,
                run.conversation.toPrompt(system, this::isJsonObject),
                tools.offered()));
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
    for (ToolCall call : calls) {
      if (stopReason != null) {
        run.conversation.toolResult(call.id(), call.name(), "Not run: " + stopReason);
        continue;
      }
      try {
        ToolResult result = runTool(run, index, call, tools, guard, evidence);
        run.conversation.toolResult(call.id(), call.name(), result.output());
      } catch (StopAfterCall stop) {
        run.conversation.toolResult(call.id(), call.name(), stop.result);
        stopReason = stop.getMessage();
      }
    }
    if (stopReason != null) {
      throw new NeedsAssistanceException(stopReason);
    }
    return true;
  }

  private ToolResult runTool(
      TaskRun run,
      int index,
      ToolCall call,
      Toolbox.TaskTools tools,
      LoopGuard guard,
      List<Evidence> evidence)
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
          evidence);
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
        return record(run, index, call, ToolResult.error(blocked(call, loop)), started, evidence);
      }
      case GIVE_UP -> {
        String result = blocked(call, loop);
        record(run, index, call, ToolResult.error(result), started, evidence);
        throw new StopAfterCall(
            "The model kept repeating "
                + call.name()
                + " "
                + call.arguments()
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
      record(run, index, call, ToolResult.ok(answer), started, evidence);
      throw new StopAfterCall("The model asked for assistance: " + question.getMessage(), answer);
    }
    if (loop.action() == LoopGuard.Action.GUIDE) {
      result =
          new ToolResult(
              result.output()
                  + "\n\n[runner] You have made this exact call "
                  + loop.repeats()
                  + " times; repeating it will not change the result. Do something different, or finish the step. The call will be blocked if repeated.",
              result.error());
    }
    return record(run, index, call, result, started, evidence);
  }

  private ToolResult record(
      TaskRun run,
      int index,
      ToolCall call,
      ToolResult result,
      long startedNanos,
      List<Evidence> evidence) {
    long nanos = System.nanoTime() - startedNanos;
    Timer.builder("tasklane.runner.tool.calls")
        .tags("tool", call.name(), "outcome", result.error() ? "error" : "ok")
        .register(meters)
        .record(nanos, TimeUnit.NANOSECONDS);
    evidence.add(new Evidence(call.name(), call.arguments(), result.output(), result.error()));
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
              models
                  .call(
                      taskModels.call(
                          ModelRole.EXECUTOR,
                          List.of(
                              new SystemMessage(Prompts.summary()),
                              new UserMessage(Prompts.summaryRequest(run.task.goal(), run.plan))),
                          List.of()))
                  .text());
      return text.isBlank() ? fallback : text;
    } catch (ModelUnavailableException e) {
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
    PlanStep updated =
        new PlanStep(
            s.index(), s.description(), s.doneWhen(), status, s.attempts() + newAttempts, verdict);
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

package io.tasklane.runner.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.runner.tools.ProcessGroups;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One claimed attempt of a task on this runner: its progress, and the switches an operator (or the
 * run timeout) flips from other threads.
 */
final class TaskRun {

  /** Why a run was stopped from outside. */
  enum Stop {
    CANCELLED,
    TIMED_OUT,
    RUNNER_SHUTDOWN
  }

  private static final int REPORTED_MESSAGE_CHARS = 16 * 1024;
  private static final int REPORTED_CONVERSATION_CHARS = 256 * 1024;

  final TaskClaim.Granted task;
  final String runnerId;
  final Path workspace;
  final List<PlanStep> plan;
  final Conversation conversation;
  final StepEvidence evidence;
  final Spend spend;
  int currentStep;

  /** The task's latest approval request: from the claim, or the one this run stopped for. */
  ApprovalRequest approval;

  private long progressReportedAt = System.nanoTime();
  private final Set<Process> processes = ConcurrentHashMap.newKeySet();
  private volatile Thread thread;
  private volatile Stop stop;
  private volatile String pauseReason;
  private final CompletableFuture<String> pauseRequested = new CompletableFuture<>();

  TaskRun(TaskClaim.Granted task, String runnerId, Path workspace, MeterRegistry meters) {
    this.task = task;
    this.runnerId = runnerId;
    this.workspace = workspace;
    this.plan = new ArrayList<>(task.plan());
    ResumeContext resume =
        task.resumeContext() == null ? ResumeContext.empty() : task.resumeContext();
    this.conversation = new Conversation(resume.conversation());
    this.currentStep = Math.max(task.currentStep(), resume.currentStep());
    this.evidence = new StepEvidence(currentStep, resume.evidence());
    this.spend =
        new Spend(
            task.modelOptions() == null ? null : task.modelOptions().budget(),
            resume.usage(),
            task.tenant(),
            meters,
            System::nanoTime);
    this.approval = resume.approval();
  }

  void runOn(Thread thread) {
    this.thread = thread;
  }

  /** Whether {@code interval} has passed since the run last reported progress (or started). */
  boolean progressDue(Duration interval) {
    return System.nanoTime() - progressReportedAt >= interval.toNanos();
  }

  void progressReported() {
    progressReportedAt = System.nanoTime();
  }

  /**
   * The resume context as reports carry it: the evidence of the current step, what the task has
   * spent so far, and the conversation bounded so that no report is refused by the broker for its
   * size.
   */
  ResumeContext resumeContext() {
    return new ResumeContext(
        currentStep,
        conversation.bounded(REPORTED_MESSAGE_CHARS, REPORTED_CONVERSATION_CHARS),
        evidence.forResume(),
        spend.total(),
        approval);
  }

  /**
   * Stops the run: interrupts its thread (which aborts an in-flight model request) and kills its
   * subprocesses.
   */
  void stop(Stop why) {
    if (stop == null) {
      stop = why;
    }
    Thread running = thread;
    if (running != null) {
      running.interrupt();
    }
    processes.forEach(ProcessGroups::kill);
  }

  /**
   * Asks the run to stop at its next safe point (after the model call or tool call in flight)
   * without interrupting it; {@link #stop} later interrupts a run that takes too long to get there.
   */
  void stopAtSafePoint(Stop why) {
    if (stop == null) {
      stop = why;
    }
  }

  Stop stopped() {
    return stop;
  }

  void requestPause(String reason) {
    pauseReason = reason == null || reason.isBlank() ? "paused by an operator" : reason;
    pauseRequested.complete(pauseReason);
  }

  /** Completes with the reason when a pause is requested, for waits that end at a pause. */
  CompletionStage<String> pauseRequested() {
    return pauseRequested.minimalCompletionStage();
  }

  void processStarted(Process process) {
    processes.add(process);
    process.onExit().thenRun(() -> processes.remove(process));
    if (stop != null) {
      ProcessGroups.kill(process);
    }
  }

  /** A safe point: between rounds and after tool results, never in the middle of a tool call. */
  void checkpoint() throws InterruptedException {
    if (stop != null || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("stopped: " + stop);
    }
    if (pauseReason != null) {
      throw new PauseRequested(pauseReason);
    }
  }

  static final class PauseRequested extends RuntimeException {
    PauseRequested(String reason) {
      super(reason, null, false, false);
    }
  }
}

package io.tasklane.runner.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskControl;
import io.tasklane.runner.RunnerProperties;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The tasks this runner holds: each on its own virtual thread, its lease heartbeated from a thread
 * of its own, stopped by its run timeout, a cancel, or a runner shutdown (which hands it back to
 * the ledger at a safe point).
 */
@Component
public class RunningTasks {

  private static final Logger log = LoggerFactory.getLogger(RunningTasks.class);

  private final RunnerProperties properties;
  private final AgentLoop agentLoop;
  private final Reporter reporter;
  private final TaskTraces traces;
  private final MeterRegistry meters;
  private final Map<UUID, TaskRun> runs = new ConcurrentHashMap<>();

  /**
   * Cancels and pauses that came for a task this runner does not run (yet): a control published
   * between the ledger granting a claim and the runner starting the run would otherwise be lost,
   * and the run would go on with no one to stop it. Guarded by itself, with {@link #runs}' check.
   * In the order received, so old entries leave from the head (every runner receives every control,
   * mostly for tasks it will never hold) and the oldest gives way when it is full.
   */
  private final Map<UUID, EarlyControl> earlyControls =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, EarlyControl> eldest) {
          return size() > EARLY_CONTROLS_KEPT_AT_MOST;
        }
      };

  private static final Duration EARLY_CONTROL_KEPT = Duration.ofMinutes(2);
  private static final int EARLY_CONTROLS_KEPT_AT_MOST = 10_000;

  private record EarlyControl(TaskControl control, Instant receivedAt) {}

  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("runner-timers").daemon().factory());
  // a platform thread of its own: neither busy task threads nor run timeouts delay a heartbeat
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("runner-heartbeats").daemon().factory());

  RunningTasks(
      RunnerProperties properties,
      AgentLoop agentLoop,
      Reporter reporter,
      TaskTraces traces,
      MeterRegistry meters) {
    this.properties = properties;
    this.agentLoop = agentLoop;
    this.reporter = reporter;
    this.traces = traces;
    this.meters = meters;
    Gauge.builder("tasklane.runner.tasks.running", runs, Map::size)
        .description("Tasks this runner is executing")
        .register(meters);
    long heartbeat = properties.heartbeatInterval().toMillis();
    heartbeats.scheduleAtFixedRate(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
  }

  /** Starts a claimed task; {@code whenDone} runs once the task has ended on this runner. */
  public void start(TaskClaim.Granted task, Runnable whenDone) {
    TaskRun run =
        new TaskRun(
            task,
            properties.runnerId(),
            properties.tools().workspaceRoot().resolve(task.taskId().toString()),
            meters);
    TaskModels limits = TaskModels.of(properties, task.modelOptions());
    // the run continues the trace of its claim (the task's own, from the dispatch)
    var span = traces.current();
    Thread thread =
        Thread.ofVirtual()
            .name("task-" + task.taskId())
            .unstarted(
                () -> {
                  ScheduledFuture<?> timeout =
                      timers.schedule(
                          () -> run.stop(TaskRun.Stop.TIMED_OUT),
                          limits.runTimeout().toMillis(),
                          TimeUnit.MILLISECONDS);
                  try {
                    traces.inChildSpan(span, "task run", () -> agentLoop.run(run));
                  } finally {
                    timeout.cancel(false);
                    runs.remove(task.taskId(), run);
                    reporter.forget(task.taskId());
                    whenDone.run();
                  }
                });
    run.runOn(thread);
    EarlyControl early;
    synchronized (earlyControls) {
      runs.put(task.taskId(), run);
      early = earlyControls.remove(task.taskId());
    }
    log.info("Running task {} attempt {}", task.taskId(), task.attempt());
    thread.start();
    if (early != null && early.control().attempt() == task.attempt()) {
      log.info(
          "Task {}: applying the {} that came before its claim was answered",
          task.taskId(),
          early.control().command());
      apply(run, early.control());
    }
  }

  /** True when this runner already runs exactly this attempt of the task. */
  public boolean holds(UUID taskId, int attempt) {
    TaskRun run = runs.get(taskId);
    return run != null && run.task.attempt() == attempt;
  }

  /** Applies an operator's instruction if it is for the attempt this runner holds. */
  public void control(TaskControl control) {
    TaskRun run;
    synchronized (earlyControls) {
      run = runs.get(control.taskId());
      if (run == null && control.command() != TaskControl.Command.NOTIFY_POLICY) {
        // the claim of this attempt may be granted and its answer still on the way: the run
        // starts with this instruction applied (the entry is dropped when it is old)
        Instant now = Instant.now();
        Instant keptSince = now.minus(EARLY_CONTROL_KEPT);
        Iterator<EarlyControl> oldestFirst = earlyControls.values().iterator();
        while (oldestFirst.hasNext() && oldestFirst.next().receivedAt().isBefore(keptSince)) {
          oldestFirst.remove();
        }
        earlyControls.remove(control.taskId());
        earlyControls.put(control.taskId(), new EarlyControl(control, now));
        return;
      }
    }
    if (run == null || run.task.attempt() != control.attempt()) {
      return;
    }
    apply(run, control);
  }

  private void apply(TaskRun run, TaskControl control) {
    switch (control.command()) {
      case CANCEL -> run.stop(TaskRun.Stop.CANCELLED);
      case PAUSE -> run.requestPause(control.reason());
      case NOTIFY_POLICY ->
          log.info(
              "Task {}: notify policy is now {} (the ledger applies it)",
              control.taskId(),
              control.notifyPolicy());
    }
  }

  public int running() {
    return runs.size();
  }

  private void heartbeat() {
    try {
      runs.values()
          .forEach(
              run ->
                  reporter.heartbeat(
                      run, properties.leaseDuration(), properties.heartbeatInterval()));
    } catch (RuntimeException e) {
      log.warn("Heartbeats failed: {}", e.toString());
    }
  }

  /**
   * Hands every running task back to the ledger: each stops at its next safe point, or is
   * interrupted after {@code handBackWait}, and reports {@code handed_back} with its resume
   * context; heartbeats go on meanwhile. Returns once every task has ended here or the wait is over
   * twice.
   */
  public void handBackAll() {
    if (runs.isEmpty()) {
      return;
    }
    log.info("Handing back {} task(s)", runs.size());
    runs.values().forEach(run -> run.stopAtSafePoint(TaskRun.Stop.RUNNER_SHUTDOWN));
    if (!awaitEmpty(properties.handBackWait())) {
      runs.values().forEach(run -> run.stop(TaskRun.Stop.RUNNER_SHUTDOWN));
      if (!awaitEmpty(properties.handBackWait())) {
        log.warn("{} task(s) did not hand back in time; their leases recover them", runs.size());
      }
    }
  }

  private boolean awaitEmpty(java.time.Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!runs.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return runs.isEmpty();
      }
    }
    return runs.isEmpty();
  }

  @PreDestroy
  void shutdown() {
    handBackAll();
    heartbeats.shutdownNow();
    timers.shutdownNow();
  }
}

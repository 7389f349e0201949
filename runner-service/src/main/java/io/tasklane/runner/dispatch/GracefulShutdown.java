package io.tasklane.runner.dispatch;

import io.tasklane.runner.agent.RunningTasks;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * On shutdown (SIGTERM, context close) the runner first stops taking dispatches, then hands each
 * running task back to the ledger, which queues it again at once for another runner. It stops
 * before every other lifecycle bean, so the Kafka producer still carries the hand-back reports.
 */
@Component
class GracefulShutdown implements SmartLifecycle {

  private final DispatchListener dispatch;
  private final RunningTasks tasks;
  private volatile boolean running;

  GracefulShutdown(DispatchListener dispatch, RunningTasks tasks) {
    this.dispatch = dispatch;
    this.tasks = tasks;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    dispatch.stop();
    tasks.handBackAll();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}

package io.tasklane.contracts;

/**
 * Kafka topic names. Every record is keyed by task id, so the messages of one task stay ordered.
 */
public final class Topics {

  /** Ledger to runners: a task is ready to be claimed. Consumed by the group {@link #RUNNERS}. */
  public static final String TASK_DISPATCH = "tasklane.task-dispatch";

  /** Ledger to every runner: cancel, pause or a notify-policy change for a task. */
  public static final String TASK_CONTROL = "tasklane.task-control";

  /** Runners to ledger: plan, steps, tool calls, verdicts, heartbeats and outcome. */
  public static final String RUNNER_REPORTS = "tasklane.runner-reports";

  /** Ledger to anyone: one CloudEvent per task transition. */
  public static final String TASK_LIFECYCLE = "tasklane.task-lifecycle";

  /** Notifier to ledger: the delivery outcome per channel. */
  public static final String DELIVERY_REPORTS = "tasklane.delivery-reports";

  /** The consumer group that shares dispatched tasks between runner replicas. */
  public static final String RUNNERS = "runners";

  /**
   * The record header carrying the W3C trace context of the task a message is about, so every
   * service continues the trace of the task's create.
   */
  public static final String TRACE_PARENT_HEADER = "traceparent";

  private Topics() {}
}

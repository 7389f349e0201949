package io.tasklane.runner.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.Budget;
import io.tasklane.contracts.Usage;
import io.tasklane.runner.model.ModelCall;
import io.tasklane.runner.model.ModelGateway;
import io.tasklane.runner.model.ModelReply;
import java.util.function.LongSupplier;

/**
 * What a task has spent, counted on from what its earlier attempts spent, against the budget in its
 * model options. A limit is checked before each model call and each tool call, so the call that
 * crosses a limit completes and the next one is not made: a task may end a little over its token
 * budget, never over a count.
 */
final class Spend {

  /** The name of each limit as the status reason {@code budget_exhausted:<limit>} gives it. */
  enum Limit {
    TOKENS("tokens"),
    MODEL_CALLS("model_calls"),
    TOOL_CALLS("tool_calls"),
    WALL_SECONDS("wall_seconds");

    final String wire;

    Limit(String wire) {
      this.wire = wire;
    }

    String reason() {
      return Budget.REASON + ":" + wire;
    }
  }

  private final Budget budget;
  private final Usage before;
  private final LongSupplier nanoTime;
  private final long startedNanos;
  private final String tenant;
  private final MeterRegistry meters;
  private long tokens;
  private int modelCalls;
  private int toolCalls;

  Spend(Budget budget, Usage before, String tenant, MeterRegistry meters, LongSupplier nanoTime) {
    this.budget = budget;
    this.before = before == null ? Usage.none() : before;
    this.tenant = tenant == null ? "" : tenant;
    this.meters = meters;
    this.nanoTime = nanoTime;
    this.startedNanos = nanoTime.getAsLong();
  }

  /** Everything spent so far, this attempt's wall time included. */
  synchronized Usage total() {
    long wallMillis = (nanoTime.getAsLong() - startedNanos) / 1_000_000;
    return new Usage(
        before.tokens() + tokens,
        before.modelCalls() + modelCalls,
        before.toolCalls() + toolCalls,
        before.wallMillis() + wallMillis);
  }

  /** The limit that stops the next model call, or null when it may be made. */
  Limit beforeModelCall() {
    Usage used = total();
    if (budget == null) {
      return null;
    }
    if (budget.tokens() != null && used.tokens() >= budget.tokens()) {
      return Limit.TOKENS;
    }
    if (budget.modelCalls() != null && used.modelCalls() >= budget.modelCalls()) {
      return Limit.MODEL_CALLS;
    }
    return wallSpent(used) ? Limit.WALL_SECONDS : null;
  }

  /** The limit that stops the next tool call, or null when it may be made. */
  Limit beforeToolCall() {
    Usage used = total();
    if (budget == null) {
      return null;
    }
    if (budget.toolCalls() != null && used.toolCalls() >= budget.toolCalls()) {
      return Limit.TOOL_CALLS;
    }
    return wallSpent(used) ? Limit.WALL_SECONDS : null;
  }

  private boolean wallSpent(Usage used) {
    return budget.wallSeconds() != null && used.wallMillis() >= budget.wallSeconds() * 1000L;
  }

  /**
   * Makes a model call the budget allows, and counts it; a call that fails is counted too, with no
   * tokens, since the model may have worked on it.
   *
   * @throws BudgetExhaustedException when a limit is reached; the call is not made
   */
  ModelReply call(ModelGateway models, ModelCall call) throws InterruptedException {
    Limit reached = beforeModelCall();
    if (reached != null) {
      throw new BudgetExhaustedException(reached);
    }
    long reported = 0;
    try {
      ModelReply reply = models.call(call);
      reported = reply.tokens();
      return reply;
    } finally {
      modelCalled(call.model(), reported);
    }
  }

  synchronized void modelCalled(String model, long reportedTokens) {
    modelCalls++;
    tokens += Math.max(0, reportedTokens);
    if (meters != null) {
      Counter.builder("tasklane.model.calls")
          .description("Model calls of every role, by tenant and model")
          .tags("tenant", tenant, "model", model)
          .register(meters)
          .increment();
      if (reportedTokens > 0) {
        Counter.builder("tasklane.model.tokens")
            .description("Prompt plus completion tokens the models reported, by tenant and model")
            .tags("tenant", tenant, "model", model)
            .register(meters)
            .increment(reportedTokens);
      }
    }
  }

  synchronized void toolCalled() {
    toolCalls++;
  }

  /** A limit of the task's budget was reached before a model call. */
  static final class BudgetExhaustedException extends NeedsAssistanceException {
    BudgetExhaustedException(Limit limit) {
      super(limit.reason());
    }
  }
}

package io.tasklane.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.Budget;
import io.tasklane.contracts.Usage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The budget arithmetic on its own: counted on from earlier attempts, checked before each call. */
@Tag("fast")
class SpendTests {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private Spend spend(Budget budget, Usage before) {
    return new Spend(budget, before, "acme", null, nanos::get);
  }

  @Test
  void withoutABudgetNothingIsEverRefusedButEverythingIsCounted() {
    Spend spend = spend(null, Usage.none());
    for (int i = 0; i < 100; i++) {
      spend.modelCalled("m", 1000);
      spend.toolCalled();
    }
    assertThat(spend.beforeModelCall()).isNull();
    assertThat(spend.beforeToolCall()).isNull();
    assertThat(spend.total()).isEqualTo(new Usage(100_000, 100, 100, 0));
  }

  @Test
  void theModelCallLimitAllowsExactlyThatManyCallsOverAllAttempts() {
    Spend spend = spend(new Budget(null, 3, null, null), new Usage(50, 2, 0, 0));

    assertThat(spend.beforeModelCall()).isNull();
    spend.modelCalled("m", 10);

    assertThat(spend.beforeModelCall()).isEqualTo(Spend.Limit.MODEL_CALLS);
    assertThat(spend.beforeModelCall().reason()).isEqualTo("budget_exhausted:model_calls");
    assertThat(spend.beforeToolCall()).as("tool calls have no limit here").isNull();
    assertThat(spend.total().modelCalls()).isEqualTo(3);
    assertThat(spend.total().tokens()).isEqualTo(60);
  }

  @Test
  void theCallThatCrossesTheTokenLimitCompletesAndTheNextIsRefused() {
    Spend spend = spend(new Budget(100L, null, null, null), Usage.none());
    spend.modelCalled("m", 99);
    assertThat(spend.beforeModelCall()).isNull();
    spend.modelCalled("m", 40);

    assertThat(spend.beforeModelCall()).isEqualTo(Spend.Limit.TOKENS);
    assertThat(spend.total().tokens()).isEqualTo(139);
  }

  @Test
  void theToolCallLimitStopsToolCallsOnly() {
    Spend spend = spend(new Budget(null, null, 2, null), new Usage(0, 0, 1, 0));
    assertThat(spend.beforeToolCall()).isNull();
    spend.toolCalled();

    assertThat(spend.beforeToolCall()).isEqualTo(Spend.Limit.TOOL_CALLS);
    assertThat(spend.beforeToolCall().reason()).isEqualTo("budget_exhausted:tool_calls");
    assertThat(spend.beforeModelCall()).isNull();
  }

  @Test
  void wallTimeAddsThisAttemptToTheEarlierOnesAndStopsBothKindsOfCall() {
    Spend spend = spend(new Budget(null, null, null, 10), new Usage(0, 0, 0, 7_000));
    nanos.addAndGet(2_999_000_000L);
    assertThat(spend.total().wallMillis()).isEqualTo(9_999);
    assertThat(spend.beforeModelCall()).isNull();

    nanos.addAndGet(1_000_000L);

    assertThat(spend.total().wallMillis()).isEqualTo(10_000);
    assertThat(spend.beforeModelCall()).isEqualTo(Spend.Limit.WALL_SECONDS);
    assertThat(spend.beforeToolCall()).isEqualTo(Spend.Limit.WALL_SECONDS);
  }

  @Test
  void negativeTokenReportsCountAsNone() {
    Spend spend = spend(null, null);
    spend.modelCalled("m", -5);
    assertThat(spend.total()).isEqualTo(new Usage(0, 1, 0, 0));
  }
}

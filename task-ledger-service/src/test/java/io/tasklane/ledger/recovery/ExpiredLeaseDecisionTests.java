package io.tasklane.ledger.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.Executor;
import io.tasklane.ledger.tasks.TaskRecovery.Outcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What becomes of a running task whose lease expired: queued again while recoveries last. */
@Tag("fast")
class ExpiredLeaseDecisionTests {

  @Test
  void aRunnerTaskIsRecoveredUntilTheCapThenLost() {
    assertThat(LeaseExpiry.decide(Executor.RUNNER, 0, 3)).isEqualTo(Outcome.RECOVERED);
    assertThat(LeaseExpiry.decide(Executor.RUNNER, 2, 3)).isEqualTo(Outcome.RECOVERED);
    assertThat(LeaseExpiry.decide(Executor.RUNNER, 3, 3)).isEqualTo(Outcome.LOST);
  }

  @Test
  void withNoRecoveriesAllowedATaskIsLostAtOnce() {
    assertThat(LeaseExpiry.decide(Executor.RUNNER, 0, 0)).isEqualTo(Outcome.LOST);
  }

  @Test
  void anExternalTaskIsNeverRecoveredBecauseOnlyItsExecutorCanRunIt() {
    assertThat(LeaseExpiry.decide(Executor.EXTERNAL, 0, 3)).isEqualTo(Outcome.LOST);
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A pass with no time left for per-task work leaves it for the next pass instead of running long.
 */
@TestPropertySource(properties = "tasklane.ledger.recovery.pass-budget=0ms")
class PassBudgetTests extends OperationsTest {

  @Test
  void reconciliationNotStartedWithinTheBudgetIsLeftForTheNextPass() {
    String id = createTaskId("{\"goal\":\"Nightly CLI export\",\"executor\":\"external\"}");
    var started =
        api.post(
            tenant,
            "/api/v1/tasks/" + id + "/reports",
            "{\"type\":\"started\",\"attempt\":1,\"leaseSeconds\":1}");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> actionTargets(maintenance(false), "mark_lost").contains(id));

    var applied = maintenance(true);

    assertThat(applied.get("reconciled").asInt()).isZero();
    assertThat(show(id).get("status").asString()).isEqualTo("running");
    assertThat(actionTargets(maintenance(false), "mark_lost")).contains(id);
  }
}

package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.cli.TasklaneSuite.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The approval commands against a real ledger (without a runner, so no task waits for one here; the
 * whole path is covered by the local suite's approval tests).
 */
class ApprovalCommandTests {

  static final String KEY = TasklaneSuite.keyOf("actions");
  static TasklaneSuite suite;

  @BeforeAll
  static void start() {
    suite = TasklaneSuite.get();
  }

  @Test
  void theListSaysSoWhenNoCallWaits() {
    Run run = suite.cli(KEY, "approvals");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("No approval requests are pending.\n");
    Run json = suite.cli(KEY, "approvals", "list", "--json");
    assertThat(json.json().get("items")).isEmpty();
  }

  @Test
  void approvingATaskThatWaitsForNoApprovalIsRefusedWithTheLedgersReason() {
    JsonNode task =
        suite.createTask(
            KEY,
            """
            {"goal":"Wait for nothing","label":"no-approval","executor":"external",
             "runId":"run-no-approval"}
            """);

    Run run = suite.cli(KEY, "tasks", "approve", "run-no-approval", "--approval", "1");

    assertThat(run.status()).isEqualTo(ExitCodes.REQUEST_FAILED);
    assertThat(run.err()).contains("does not wait for an approval");
    assertThat(suite.task(KEY, task.get("taskId").asString()).get("status").asString())
        .isEqualTo("queued");
  }

  @Test
  void aDecisionNeedsTheRequestNumber() {
    Run run = suite.cli(KEY, "tasks", "deny", "run-anything");

    assertThat(run.status()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--approval");
  }
}

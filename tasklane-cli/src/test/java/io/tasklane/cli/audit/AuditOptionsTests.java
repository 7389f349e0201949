package io.tasklane.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.TasklaneCli;
import io.tasklane.cli.Terminal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code tasks audit} offers and accepts the severities and codes the ledger's audit speaks. */
@Tag("fast")
class AuditOptionsTests {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void helpListsEverySeverityAndEveryCode() {
    int status = run("tasks", "audit", "--help");

    assertThat(status).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("Only findings of this severity: info, warn, error.")
        .contains(
            "Only findings with this code: stale_queued, stale_running, lost,"
                + " unverified_success_refused, delivery_failed, delivery_pending,"
                + " missing_cleanup, inconsistent_timestamps, stale_waiting, stale_blocked,"
                + " cancel_stuck, missing_linked_tasks, blocked_task_missing.");
  }

  @Test
  void anUnknownSeverityIsRefusedWithTheKnownOnes() {
    int status = run("tasks", "audit", "--severity", "urgent");

    assertThat(status).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .startsWith(
            "tasklane: Invalid value for option '--severity': expected one of [info, warn, error]"
                + " (case-sensitive) but was 'urgent'");
  }

  private int run(String... args) {
    Terminal terminal =
        new Terminal(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.of(),
            false,
            Clock.systemUTC());
    return TasklaneCli.execute(terminal, args);
  }
}

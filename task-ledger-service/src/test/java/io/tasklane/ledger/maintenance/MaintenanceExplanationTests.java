package io.tasklane.ledger.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.AuditCode;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.maintenance.MaintenanceReport.Explanation;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** For every audit finding, whether maintenance fixes it and what it says about it. */
@Tag("fast")
class MaintenanceExplanationTests {

  private static final LedgerProperties.Recovery RECOVERY =
      new LedgerProperties.Recovery(
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          3,
          Duration.ofMinutes(2),
          100,
          4,
          Duration.ofSeconds(20));
  private static final LedgerProperties.Maintenance RETENTION =
      new LedgerProperties.Maintenance(
          true, Duration.ofMinutes(5), Duration.ofDays(7), Duration.ofHours(24), 500);

  @Test
  void maintenanceFixesWhatItCanActOnAndExplainsTheRest() {
    Set<AuditCode> fixed =
        Arrays.stream(AuditCode.values())
            .filter(code -> explain(code).fixedByMaintenance())
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(AuditCode.class)));

    assertThat(fixed)
        .containsExactlyInAnyOrder(
            AuditCode.STALE_QUEUED,
            AuditCode.STALE_RUNNING,
            AuditCode.MISSING_CLEANUP,
            AuditCode.CANCEL_STUCK,
            AuditCode.BLOCKED_TASK_MISSING);
    for (AuditCode code : AuditCode.values()) {
      Explanation explanation = explain(code);
      assertThat(explanation.code()).isEqualTo(code.wire());
      assertThat(explanation.findings()).isEqualTo(2);
      assertThat(explanation.how()).as("%s", code).isNotBlank();
    }
  }

  @Test
  void theExplanationsQuoteTheSettingsInForce() {
    assertThat(explain(AuditCode.STALE_RUNNING).how()).contains("PT30S", "up to 3 recoveries");
    assertThat(explain(AuditCode.STALE_QUEUED).how()).contains("PT2M");
    assertThat(explain(AuditCode.MISSING_CLEANUP).how()).contains("ended + PT168H, lost + PT24H");
    assertThat(explain(AuditCode.LOST).how()).contains("lost + PT24H");
  }

  private static Explanation explain(AuditCode code) {
    return Maintenance.explain(code, 2, RECOVERY, RETENTION);
  }
}

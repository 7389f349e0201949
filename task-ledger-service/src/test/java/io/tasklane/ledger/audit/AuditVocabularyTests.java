package io.tasklane.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.AuditCode;
import io.tasklane.contracts.WireEnum;
import io.tasklane.ledger.PartialIndexes;
import io.tasklane.ledger.tasks.RunnerSide;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The audit speaks the codes of the contracts, which the command line offers as well. */
@Tag("fast")
class AuditVocabularyTests {

  @Test
  void theAuditKnowsExactlyTheContractCodesInTheOrderItsChecksRun() {
    assertThat(Audit.CODES).containsExactlyElementsOf(WireEnum.allowedValues(AuditCode.class));
  }

  @Test
  void aRefusedSuccessIsFoundByTheReasonTheRunnerSideRecords() {
    assertThat(RunnerSide.UNVERIFIED_SUCCESS_REFUSED)
        .isEqualTo(AuditCode.UNVERIFIED_SUCCESS_REFUSED.wire());
  }

  @Test
  void theTimestampCheckReadsWordForWordLikeThePartialIndexItIsServedBy() {
    assertThat(PartialIndexes.normalized(Audit.INCONSISTENT_TIMESTAMPS_PREDICATE))
        .isEqualTo(PartialIndexes.all().get("tasks_inconsistent_timestamps").predicate());
  }
}

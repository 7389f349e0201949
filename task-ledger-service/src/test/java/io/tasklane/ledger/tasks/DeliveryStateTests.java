package io.tasklane.ledger.tasks;

import static io.tasklane.contracts.DeliveryStatus.DELIVERED;
import static io.tasklane.contracts.DeliveryStatus.FAILED;
import static io.tasklane.contracts.DeliveryStatus.PARENT_MISSING;
import static io.tasklane.contracts.DeliveryStatus.SESSION_QUEUED;
import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.DeliveryStatus;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How the channels' outcomes for one event combine into the task's delivery status, as a table. */
@Tag("fast")
class DeliveryStateTests {

  static List<Object[]> table() {
    return List.of(
        new Object[] {List.of(DELIVERED), DELIVERED},
        new Object[] {List.of(FAILED, DELIVERED), DELIVERED},
        new Object[] {List.of(SESSION_QUEUED, FAILED), SESSION_QUEUED},
        new Object[] {List.of(SESSION_QUEUED, DELIVERED), DELIVERED},
        new Object[] {List.of(PARENT_MISSING, FAILED), PARENT_MISSING},
        new Object[] {List.of(FAILED, FAILED), FAILED});
  }

  @ParameterizedTest
  @MethodSource("table")
  void theRequesterCountsAsReachedWhenAnyChannelReachedThem(
      List<DeliveryStatus> outcomes, DeliveryStatus combined) {
    assertThat(DeliveryState.combine(outcomes)).isEqualTo(combined);
  }
}

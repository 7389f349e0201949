package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasklane.contracts.TaskStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How {@code tasks follow} reports the way a task settled, one exit status per ending. */
@Tag("fast")
class ExitCodesTests {

  @Test
  void everySettledStatusHasItsOwnExitStatusAndOnlySuccessIsZero() {
    var settled =
        Arrays.stream(TaskStatus.values())
            .filter(s -> s.isTerminal() || s == TaskStatus.NEEDS_ASSISTANCE)
            .toList();

    assertThat(settled.stream().map(ExitCodes::forSettled).distinct()).hasSize(settled.size());
    assertThat(ExitCodes.forSettled(TaskStatus.SUCCEEDED)).isZero();
    assertThat(ExitCodes.forSettled(TaskStatus.NEEDS_ASSISTANCE)).isEqualTo(14);
    assertThat(settled.stream().map(ExitCodes::forSettled))
        .doesNotContain(
            ExitCodes.REQUEST_FAILED,
            ExitCodes.USAGE,
            ExitCodes.UNREACHABLE,
            ExitCodes.UNAUTHENTICATED,
            ExitCodes.FORBIDDEN,
            ExitCodes.RATE_LIMITED);
    assertThatThrownBy(() -> ExitCodes.forSettled(TaskStatus.RUNNING))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

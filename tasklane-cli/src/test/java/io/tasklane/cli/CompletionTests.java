package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.cli.TasklaneSuite.Run;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated completion script knows the commands and the values the API accepts. */
class CompletionTests {

  @Test
  void completionPrintsABashScriptForEveryCommandAndWireValue() {
    Run run = TasklaneSuite.cli(Map.of(), false, "completion");

    assertThat(run.status()).isZero();
    assertThat(run.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_tasklane")
        .contains("tasks", "follow", "maintenance", "flows", "cron", "enable")
        .contains("needs_assistance", "timed_out", "state_changes", "subagent");
  }
}

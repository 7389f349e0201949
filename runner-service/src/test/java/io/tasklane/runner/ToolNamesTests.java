package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.ToolNames;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.runner.tools.Tool;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The ledger accepts exactly the tool names a runner has, so the two lists must agree. */
class ToolNamesTests extends RunnerTest {

  @Autowired List<Tool> tools;

  @Test
  void theRunnersToolsAreTheToolNamesTheLedgerAccepts() {
    assertThat(tools).extracting(Tool::name).containsExactlyInAnyOrderElementsOf(ToolNames.ALL);
  }
}

package io.tasklane.ledger.tasks;

import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.ToolNames;
import io.tasklane.ledger.api.LedgerProblem;
import java.util.List;
import java.util.Map;

/** A task may allow only tools a runner has: a misspelt name is refused, not silently dropped. */
public final class ToolChoice {

  private ToolChoice() {}

  /** Refuses {@code options} naming a tool that does not exist; {@code field} is where they are. */
  public static void check(ModelOptions options, String field) {
    if (options == null || options.toolsAllowed() == null) {
      return;
    }
    List<String> allowed = options.toolsAllowed();
    for (int i = 0; i < allowed.size(); i++) {
      String name = allowed.get(i);
      if (name == null || !ToolNames.ALL.contains(name)) {
        String at = field + ".toolsAllowed[" + i + "]";
        throw new LedgerProblem(
            LedgerProblem.Kind.INVALID,
            "unknown-tool",
            "Unknown tool",
            "%s: '%s' is not a tool; allowed values: %s"
                .formatted(at, name, String.join(", ", ToolNames.ALL)),
            Map.of("field", at, "allowedValues", ToolNames.ALL));
      }
    }
  }
}

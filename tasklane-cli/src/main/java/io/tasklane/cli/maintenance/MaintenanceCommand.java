package io.tasklane.cli.maintenance;

import io.tasklane.cli.Api;
import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.audit.AuditCommand;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code tasks maintenance}: preview, or with {@code --apply} perform, a maintenance pass. */
@Command(
    name = "maintenance",
    description = {
      "Preview what a maintenance pass would reconcile, recover, stamp and prune;"
          + " --apply does it (needs the admin scope)."
    })
public final class MaintenanceCommand extends ApiCommand {

  @Option(names = "--apply", description = "Act, instead of only previewing.")
  boolean apply;

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  @Override
  public Integer call() {
    JsonNode result =
        api().post("/api/v1/maintenance" + Api.query("apply", apply ? "true" : null), null);
    if (json) {
      Json.print(out(), result);
      return ExitCodes.OK;
    }
    out()
        .println(
            apply
                ? style().bold("Maintenance applied.")
                : style().bold("Maintenance preview") + " (nothing changed; --apply to act):");
    Table counts = Table.headless(2);
    counts.row("Reconciled", count(result, "reconciled"));
    counts.row("Recovered", count(result, "recovered"));
    counts.row("Cleanup stamped", count(result, "cleanupStamped"));
    counts.row("Pruned", count(result, "pruned"));
    counts.print(out(), style());
    for (String[] audit :
        new String[][] {{"auditBefore", "Audit before"}, {"auditAfter", "Audit after"}}) {
      JsonNode findings = result.get(audit[0]);
      if (findings != null && findings.isObject()) {
        out().println();
        out().println(style().bold(audit[1]));
        AuditCommand.print(findings, style(), out());
      }
    }
    return ExitCodes.OK;
  }

  private static String count(JsonNode result, String field) {
    JsonNode value = result.get(field);
    if (value == null || value.isNull()) {
      return "-";
    }
    if (value.isArray()) {
      return Integer.toString(value.size());
    }
    if (value.isObject() && value.has("count")) {
      return value.get("count").asString();
    }
    return value.asString();
  }
}

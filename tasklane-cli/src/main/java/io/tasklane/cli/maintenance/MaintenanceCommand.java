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
    JsonNode report =
        api().post("/api/v1/maintenance" + Api.query("apply", apply ? "true" : null), null);
    if (json) {
      Json.print(out(), report);
      return ExitCodes.OK;
    }
    boolean applied = "apply".equals(Json.text(report, "mode"));
    out()
        .println(
            applied
                ? style().bold("Maintenance applied:")
                : style().bold("Maintenance preview") + " (nothing changed; --apply to act):");
    Table counts = Table.headless(2);
    counts.row("  Reconciled", Json.text(report, "reconciled"));
    counts.row("  Recovered", Json.text(report, "recovered"));
    counts.row("  Cleanup stamped", Json.text(report, "cleanupStamped"));
    counts.row("  Pruned", Json.text(report, "pruned"));
    counts.print(out(), style());

    Table actions = Table.of("Action", "Subject", "Detail");
    for (JsonNode action : Json.items(report, "actions")) {
      String task = Json.text(action, "taskId");
      String flow = Json.text(action, "flowId");
      actions.row(
          Json.text(action, "action"),
          task != null ? "task " + task : flow != null ? "flow " + flow : null,
          Table.clip(Json.text(action, "detail"), 80));
    }
    if (!actions.isEmpty()) {
      out().println();
      actions.print(out(), style());
    }

    Table explanations = Table.of("Finding", "Count", "Maintenance");
    for (JsonNode explanation : Json.items(report, "explanations")) {
      explanations.row(
          Json.text(explanation, "code"),
          Json.text(explanation, "findings"),
          (explanation.path("fixedByMaintenance").asBoolean() ? "fixes it: " : "leaves it: ")
              + Table.clip(Json.text(explanation, "how"), 80));
    }
    if (!explanations.isEmpty()) {
      out().println();
      explanations.print(out(), style());
    }

    JsonNode after = report.get("auditAfter");
    if (applied && after != null && after.isObject()) {
      out().println();
      out().println(style().bold("Audit afterwards"));
      AuditCommand.print(after, style(), out());
    }
    return ExitCodes.OK;
  }
}

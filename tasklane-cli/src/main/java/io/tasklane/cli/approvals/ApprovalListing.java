package io.tasklane.cli.approvals;

import io.tasklane.cli.Api;
import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.RelativeTime;
import io.tasklane.cli.output.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** Lists the approval requests tasks wait for; {@code approvals} and {@code approvals list}. */
abstract class ApprovalListing extends ApiCommand {

  @Option(names = "--limit", paramLabel = "N", description = "Show at most N requests.")
  Integer limit;

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    JsonNode page = api().get("/api/v1/approvals" + Api.query("limit", limit));
    List<JsonNode> items = new ArrayList<>();
    page.path("items").forEach(items::add);
    if (json) {
      var document = Json.object();
      document.putArray("items").addAll(items);
      Json.print(out(), document);
      return ExitCodes.OK;
    }
    if (items.isEmpty()) {
      out().println("No approval requests are pending.");
      return ExitCodes.OK;
    }
    Instant now = now();
    Table table =
        Table.of("Task", "Label", "#", "Tool", "Arguments", "Approvers", "Requested", "Deadline");
    for (JsonNode item : items) {
      JsonNode approval = item.path("approval");
      List<String> approvers = new ArrayList<>();
      approval.path("approvers").forEach(a -> approvers.add(a.asString()));
      table.row(
          Json.text(item, "taskId"),
          Json.text(item, "label"),
          Json.text(approval, "number"),
          Json.text(approval, "tool"),
          Table.clip(Json.text(approval, "arguments"), 48),
          approvers.isEmpty() ? "anyone" : String.join(", ", approvers),
          RelativeTime.format(Json.instant(approval, "requestedAt"), now),
          RelativeTime.format(Json.instant(approval, "deadline"), now));
    }
    table.print(out(), style());
    return ExitCodes.OK;
  }
}

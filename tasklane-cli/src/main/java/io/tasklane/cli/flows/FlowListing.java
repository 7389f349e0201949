package io.tasklane.cli.flows;

import io.tasklane.cli.Api;
import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.WireValues;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.RelativeTime;
import io.tasklane.cli.output.Table;
import io.tasklane.contracts.FlowStatus;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** Lists flows, newest first; {@code flows} and {@code flows list} both do this. */
abstract class FlowListing extends ApiCommand {

  @Option(
      names = "--status",
      split = ",",
      paramLabel = "STATUS",
      completionCandidates = WireValues.FlowStatuses.class,
      description = "Only flows in these statuses: ${COMPLETION-CANDIDATES}.")
  List<FlowStatus> statuses = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "N", description = "Show at most N flows (default 50).")
  Integer limit;

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  @Override
  public Integer call() {
    int wanted = limit == null ? 50 : limit;
    if (wanted < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    List<JsonNode> flows = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          api()
              .get(
                  "/api/v1/flows"
                      + Api.query(
                          "status", statuses.stream().map(FlowStatus::wire).toList(),
                          "limit", Math.min(wanted - flows.size(), 500),
                          "cursor", cursor));
      (page.isArray() ? page : page.path("items")).forEach(flows::add);
      cursor = Json.text(page, "nextCursor");
    } while (cursor != null && flows.size() < wanted);
    if (json) {
      var document = Json.object();
      document.putArray("items").addAll(flows);
      document.put("nextCursor", cursor);
      Json.print(out(), document);
      return ExitCodes.OK;
    }
    if (flows.isEmpty()) {
      out().println(statuses.isEmpty() ? "No flows." : "No flows match.");
      return ExitCodes.OK;
    }
    Table table = Table.of("Flow", "Status", "Owner", "Blocked by", "Updated", "Goal");
    for (JsonNode flow : flows) {
      table.row(
          Json.text(flow, "flowId"),
          style().status(Json.text(flow, "status")),
          Json.text(flow, "ownerKey"),
          Json.text(flow, "blockedTaskId"),
          RelativeTime.format(FlowsCommand.updated(flow), now()),
          Table.clip(Json.text(flow, "goal"), 48));
    }
    table.print(out(), style());
    if (cursor != null) {
      out().println(style().dim("Showing the newest " + flows.size() + "; more with --limit."));
    }
    return ExitCodes.OK;
  }
}

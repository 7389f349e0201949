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
      paramLabel = "STATUS",
      completionCandidates = WireValues.FlowStatuses.class,
      description = "Only flows in this status: ${COMPLETION-CANDIDATES}.")
  FlowStatus status;

  @Option(names = "--limit", paramLabel = "N", description = "Show at most N flows.")
  Integer limit;

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    JsonNode listed =
        api()
            .get(
                "/api/v1/flows"
                    + Api.query("status", status == null ? null : status.wire(), "limit", limit));
    List<JsonNode> flows = new ArrayList<>();
    listed.forEach(flows::add);
    if (json) {
      var document = Json.object();
      document.putArray("items").addAll(flows);
      Json.print(out(), document);
      return ExitCodes.OK;
    }
    if (flows.isEmpty()) {
      out().println(status == null ? "No flows." : "No flows match.");
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
    return ExitCodes.OK;
  }
}

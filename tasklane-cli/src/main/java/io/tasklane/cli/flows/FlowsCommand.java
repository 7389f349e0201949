package io.tasklane.cli.flows;

import io.tasklane.cli.Api;
import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.RelativeTime;
import io.tasklane.cli.output.Style;
import io.tasklane.cli.output.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code flows}: orchestrated work and the tasks linked to it. */
@Command(
    name = "flows",
    description = "List, show and cancel flows; without a subcommand, list them.",
    subcommands = {ListFlows.class, FlowsCommand.Show.class, FlowsCommand.Cancel.class})
public final class FlowsCommand extends FlowListing {

  @Command(name = "show", description = "Show a flow with its linked tasks.")
  static final class Show extends ApiCommand {
    @Parameters(paramLabel = "FLOW_ID", description = "The flow id.")
    String flowId;

    @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
    boolean json;

    @Override
    public Integer call() {
      JsonNode flow = api().get("/api/v1/flows" + Api.path(flowId));
      if (json) {
        Json.print(out(), flow);
      } else {
        detail(flow, style(), now());
      }
      return ExitCodes.OK;
    }

    private void detail(JsonNode flow, Style style, Instant now) {
      Table fields = Table.headless(2);
      row(fields, "Flow", Json.text(flow, "flowId"));
      row(fields, "Status", style.status(Json.text(flow, "status")));
      row(fields, "Goal", Table.clip(Json.text(flow, "goal"), 200));
      row(fields, "Owner", Json.text(flow, "ownerKey"));
      row(fields, "Revision", Json.text(flow, "revision"));
      row(fields, "Current step", Json.text(flow, "currentStep"));
      row(fields, "Blocked by", Json.text(flow, "blockedTaskId"));
      row(fields, "Blocked because", Table.clip(Json.text(flow, "blockedSummary"), 200));
      for (String[] time :
          new String[][] {
            {"createdAt", "Created"},
            {"updatedAt", "Updated"},
            {"cancelRequestedAt", "Cancel requested"},
            {"endedAt", "Ended"}
          }) {
        Instant at = Json.instant(flow, time[0]);
        if (at != null) {
          fields.row(
              time[1],
              RelativeTime.format(at, now) + " (" + at.truncatedTo(ChronoUnit.SECONDS) + ")");
        }
      }
      JsonNode byStatus = flow.path("summary").path("byStatus");
      if (byStatus.isObject() && !byStatus.isEmpty()) {
        List<String> parts = new ArrayList<>();
        byStatus.properties().forEach(e -> parts.add(e.getValue().asString() + " " + e.getKey()));
        fields.row("Tasks", String.join(", ", parts));
      }
      fields.print(out(), style);
      List<JsonNode> tasks = new ArrayList<>();
      Json.items(flow, "tasks").forEach(tasks::add);
      if (!tasks.isEmpty()) {
        out().println();
        Table table = Table.of("Task", "Kind", "Status", "Delivery", "Updated", "Summary");
        for (JsonNode task : tasks) {
          Instant updated = Json.instant(task, "lastEventAt");
          table.row(
              Json.text(task, "taskId"),
              Json.text(task, "runtime"),
              style.status(Json.text(task, "status")),
              style.delivery(Json.text(task, "deliveryStatus")),
              RelativeTime.format(updated != null ? updated : Json.instant(task, "createdAt"), now),
              Table.clip(firstText(task, "terminalSummary", "progressSummary", "label"), 48));
        }
        table.print(out(), style);
      }
    }
  }

  @Command(
      name = "cancel",
      description = "Cancel a flow: its active tasks are cancelled and it accepts no new ones.")
  static final class Cancel extends ApiCommand {
    @Parameters(paramLabel = "FLOW_ID", description = "The flow id.")
    String flowId;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record.")
    String reason;

    @Option(names = "--json", description = "Print the flow afterwards as JSON.")
    boolean json;

    @Override
    public Integer call() {
      var body = Json.object();
      if (reason != null) {
        body.put("reason", reason);
      }
      JsonNode flow = api().post("/api/v1/flows" + Api.path(flowId, "cancel"), body);
      if (json) {
        Json.print(out(), flow);
      } else {
        out()
            .println(
                "Cancel requested for flow "
                    + Json.text(flow, "flowId")
                    + ": "
                    + Json.text(flow, "status")
                    + ".");
      }
      return ExitCodes.OK;
    }
  }

  static Instant updated(JsonNode flow) {
    Instant updated = Json.instant(flow, "updatedAt");
    return updated != null ? updated : Json.instant(flow, "createdAt");
  }

  private static void row(Table table, String name, String value) {
    if (value != null && !value.isBlank()) {
      table.row(name, value);
    }
  }

  private static String firstText(JsonNode node, String... fields) {
    for (String field : fields) {
      String text = Json.text(node, field);
      if (text != null && !text.isBlank()) {
        return text;
      }
    }
    return null;
  }
}

package io.tasklane.cli.tasks;

import io.tasklane.cli.Api;
import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.WireValues;
import io.tasklane.cli.output.Json;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** Lists tasks, newest first; {@code tasks} and {@code tasks list} both do this. */
abstract class TaskListing extends ApiCommand {

  static final int DEFAULT_LIMIT = 50;
  private static final int PAGE_LIMIT = 500;

  @Option(
      names = "--status",
      split = ",",
      paramLabel = "STATUS",
      completionCandidates = WireValues.Statuses.class,
      description =
          "Only tasks in these statuses (repeat or separate with commas): ${COMPLETION-CANDIDATES}.")
  List<TaskStatus> statuses = new ArrayList<>();

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      completionCandidates = WireValues.Runtimes.class,
      description = "Only tasks of this kind: ${COMPLETION-CANDIDATES}.")
  Runtime runtime;

  @Option(
      names = "--label",
      description = "Only tasks whose label contains this text (case-insensitive).")
  String label;

  @Option(
      names = "--cursor",
      paramLabel = "CURSOR",
      description = "Start after this cursor, as a previous listing printed it.")
  String after;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Show at most N tasks (default " + DEFAULT_LIMIT + ").")
  Integer limit;

  @Option(names = "--wide", description = "Do not shorten long cells.")
  boolean wide;

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  @Override
  public Integer call() {
    int wanted = limit == null ? DEFAULT_LIMIT : limit;
    if (wanted < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    List<JsonNode> tasks = new ArrayList<>();
    String cursor = after;
    do {
      JsonNode page =
          api()
              .get(
                  "/api/v1/tasks"
                      + Api.query(
                          "status",
                          statuses.stream().map(TaskStatus::wire).toList(),
                          "runtime",
                          runtime == null ? null : runtime.wire(),
                          "label",
                          label,
                          "limit",
                          Math.min(wanted - tasks.size(), PAGE_LIMIT),
                          "cursor",
                          cursor));
      Json.items(page, "items").forEach(tasks::add);
      cursor = Json.text(page, "nextCursor");
    } while (cursor != null && tasks.size() < wanted);

    if (json) {
      var document = Json.object();
      document.putArray("items").addAll(tasks);
      document.put("nextCursor", cursor);
      Json.print(out(), document);
      return ExitCodes.OK;
    }
    if (tasks.isEmpty()) {
      out()
          .println(
              statuses.isEmpty() && runtime == null && label == null && after == null
                  ? "No tasks."
                  : "No tasks match.");
      return ExitCodes.OK;
    }
    TaskRendering.table(tasks, style(), now(), wide).print(out(), style());
    if (cursor != null) {
      out()
          .println(
              style()
                  .dim(
                      "Showing "
                          + tasks.size()
                          + "; the next ones with --cursor "
                          + cursor
                          + " (or a larger --limit)."));
    }
    return ExitCodes.OK;
  }
}

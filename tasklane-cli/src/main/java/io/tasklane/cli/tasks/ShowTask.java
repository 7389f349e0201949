package io.tasklane.cli.tasks;

import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code tasks show}: one task with its plan. */
@Command(name = "show", description = "Show one task by task id, run id or session key.")
final class ShowTask extends ApiCommand {

  @Parameters(paramLabel = "LOOKUP", description = "A task id, run id or session key.")
  String lookup;

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  @Override
  public Integer call() {
    JsonNode task = TaskLookup.resolve(api(), lookup);
    if (json) {
      Json.print(out(), task);
    } else {
      TaskRendering.detail(task, style(), now(), out());
    }
    return ExitCodes.OK;
  }
}

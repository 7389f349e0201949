package io.tasklane.cli.cron;

import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.RelativeTime;
import io.tasklane.cli.output.Table;
import java.util.List;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** Lists cron jobs; {@code cron} and {@code cron list} both do this. */
abstract class CronJobListing extends ApiCommand {

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  @Override
  public Integer call() {
    List<JsonNode> jobs = CronJobs.list(api());
    if (json) {
      var document = Json.object();
      document.putArray("items").addAll(jobs);
      Json.print(out(), document);
      return ExitCodes.OK;
    }
    if (jobs.isEmpty()) {
      out().println("No cron jobs.");
      return ExitCodes.OK;
    }
    Table table =
        Table.of("Name", "Cron job", "Schedule", "Enabled", "Next", "Last fired", "Firings");
    for (JsonNode job : jobs) {
      table.row(
          Json.text(job, "name"),
          Json.text(job, "cronJobId"),
          CronJobs.schedule(job),
          CronJobs.enabled(job, style()),
          RelativeTime.format(CronJobs.nextFiring(job), now()),
          RelativeTime.format(Json.instant(job, "lastFiredAt"), now()),
          Json.text(job, "firings"));
    }
    table.print(out(), style());
    return ExitCodes.OK;
  }
}

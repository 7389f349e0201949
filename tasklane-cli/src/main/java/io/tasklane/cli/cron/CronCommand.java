package io.tasklane.cli.cron;

import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.WireValues;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.RelativeTime;
import io.tasklane.cli.output.Table;
import io.tasklane.contracts.NotifyPolicy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code cron}: jobs that create a task on a schedule. */
@Command(
    name = "cron",
    description = "Manage cron jobs; without a subcommand, list them.",
    subcommands = {
      ListCronJobs.class,
      CronCommand.Show.class,
      CronCommand.Create.class,
      CronCommand.Enable.class,
      CronCommand.Disable.class,
      CronCommand.Delete.class
    })
public final class CronCommand extends CronJobListing {

  abstract static class OnOneJob extends ApiCommand {
    @Parameters(paramLabel = "JOB", description = "The cron job's id or name.")
    String job;

    @Option(names = "--json", description = "Print the cron job as JSON.")
    boolean json;

    void print(JsonNode cronJob, String done) {
      if (json) {
        Json.print(out(), cronJob);
      } else {
        out().println(done);
      }
    }
  }

  @Command(name = "show", description = "Show a cron job and the task it creates.")
  static final class Show extends OnOneJob {
    @Override
    public Integer call() {
      JsonNode cronJob = api().get(CronJobs.path(CronJobs.idOf(api(), job)));
      if (json) {
        Json.print(out(), cronJob);
        return ExitCodes.OK;
      }
      Table fields = Table.headless(2);
      fields.row("Cron job", Json.text(cronJob, "cronJobId"));
      fields.row("Name", Json.text(cronJob, "name"));
      fields.row("Schedule", CronJobs.schedule(cronJob));
      fields.row("Enabled", CronJobs.enabled(cronJob, style()));
      if (cronJob.path("enabled").asBoolean()) {
        time(fields, "Next firing", CronJobs.nextFiring(cronJob));
      } else {
        fields.row("Next firing", "- (disabled)");
      }
      time(fields, "Last fired", Json.instant(cronJob, "lastFiredAt"));
      fields.row("Last task", Json.text(cronJob, "lastTaskId"));
      fields.row("Firings", Json.text(cronJob, "firings"));
      time(fields, "Created", Json.instant(cronJob, "createdAt"));
      JsonNode task = cronJob.path("task");
      fields.row("Task goal", Table.clip(Json.text(task, "goal"), 200));
      optional(fields, "Task label", Json.text(task, "label"));
      String policy = Json.text(task, "notifyPolicy");
      fields.row("Notify", policy == null ? "silent (the cron default)" : policy);
      optional(fields, "Model", Json.text(task.path("modelOptions"), "model"));
      int number = 0;
      for (JsonNode step : Json.items(task, "plan")) {
        fields.row(
            "Plan step " + ++number,
            Table.clip(Json.text(step, "description"), 80)
                + " (done when: "
                + Table.clip(Json.text(step, "doneWhen"), 80)
                + ")");
      }
      task.path("metadata")
          .properties()
          .forEach(e -> fields.row("Metadata", e.getKey() + "=" + e.getValue().asString()));
      fields.print(out(), style());
      return ExitCodes.OK;
    }

    private static void optional(Table fields, String name, String value) {
      if (value != null) {
        fields.row(name, value);
      }
    }

    private void time(Table fields, String name, Instant at) {
      fields.row(
          name,
          at == null
              ? "-"
              : RelativeTime.format(at, now()) + " (" + at.truncatedTo(ChronoUnit.SECONDS) + ")");
    }
  }

  @Command(name = "create", description = "Create a cron job; each firing creates a task.")
  static final class Create extends ApiCommand {
    @Option(names = "--name", required = true, description = "Unique name of the job.")
    String name;

    @Option(
        names = "--cron",
        required = true,
        paramLabel = "EXPRESSION",
        description =
            "When it fires, e.g. '0 0 7 * * *' (seconds minutes hours day month weekday).")
    String cron;

    @Option(
        names = "--time-zone",
        paramLabel = "ZONE",
        description = "Time zone of the expression, e.g. Europe/Berlin (default: UTC).")
    String timeZone;

    @Option(names = "--goal", required = true, description = "What each task is to do.")
    String goal;

    @Option(names = "--label", description = "Label of each task.")
    String label;

    @Option(
        names = "--notify",
        paramLabel = "POLICY",
        completionCandidates = WireValues.NotifyPolicies.class,
        description = "Notify policy of each task (default: silent): ${COMPLETION-CANDIDATES}.")
    NotifyPolicy notifyPolicy;

    @Option(names = "--model", description = "The executor model of each task.")
    String model;

    @Option(
        names = "--step",
        paramLabel = "DESCRIPTION::DONE_WHEN",
        description =
            "A plan step of each task, what to do and how the runner checks it is done, split"
                + " by '::' (repeatable, in order). Without steps each firing is planned by the"
                + " planner model.")
    List<String> steps = new ArrayList<>();

    @Option(
        names = "--metadata",
        paramLabel = "KEY=VALUE",
        description = "Metadata of each task (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--disabled", description = "Create it disabled.")
    boolean disabled;

    @Option(names = "--json", description = "Print the cron job as JSON.")
    boolean json;

    @Override
    public Integer call() {
      var task = Json.object().put("goal", goal);
      putIfSet(task, "label", label);
      putIfSet(task, "notifyPolicy", notifyPolicy == null ? null : notifyPolicy.wire());
      if (model != null) {
        task.putObject("modelOptions").put("model", model);
      }
      if (!metadata.isEmpty()) {
        var entries = task.putObject("metadata");
        metadata.forEach(entries::put);
      }
      if (!steps.isEmpty()) {
        var plan = task.putArray("plan");
        for (String step : steps) {
          int split = step.indexOf("::");
          if (split <= 0 || step.substring(split + 2).isBlank()) {
            throw new CommandLine.ParameterException(
                spec.commandLine(), "--step needs DESCRIPTION::DONE_WHEN, got '" + step + "'");
          }
          plan.addObject()
              .put("description", step.substring(0, split).strip())
              .put("doneWhen", step.substring(split + 2).strip());
        }
      }
      var body = Json.object().put("name", name).put("cronExpression", cron);
      putIfSet(body, "timeZone", timeZone);
      body.put("enabled", !disabled);
      body.set("task", task);
      JsonNode created = api().post(CronJobs.BASE, body);
      if (json) {
        Json.print(out(), created);
      } else {
        out()
            .println(
                "Created cron job "
                    + Json.text(created, "name")
                    + " ("
                    + Json.text(created, "cronJobId")
                    + "), next firing "
                    + RelativeTime.format(Json.instant(created, "nextFireAt"), now())
                    + ".");
      }
      return ExitCodes.OK;
    }

    private static void putIfSet(
        tools.jackson.databind.node.ObjectNode node, String field, String value) {
      if (value != null) {
        node.put(field, value);
      }
    }
  }

  @Command(name = "enable", description = "Let a cron job fire again.")
  static final class Enable extends OnOneJob {
    @Override
    public Integer call() {
      JsonNode cronJob = api().post(CronJobs.path(CronJobs.idOf(api(), job), "enable"), null);
      print(cronJob, "Enabled cron job " + Json.text(cronJob, "name") + ".");
      return ExitCodes.OK;
    }
  }

  @Command(name = "disable", description = "Stop a cron job from firing; it is kept.")
  static final class Disable extends OnOneJob {
    @Override
    public Integer call() {
      JsonNode cronJob = api().post(CronJobs.path(CronJobs.idOf(api(), job), "disable"), null);
      print(cronJob, "Disabled cron job " + Json.text(cronJob, "name") + ".");
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", description = "Delete a cron job; tasks it created stay.")
  static final class Delete extends ApiCommand {
    @Parameters(paramLabel = "JOB", description = "The cron job's id or name.")
    String job;

    @Override
    public Integer call() {
      String id = CronJobs.idOf(api(), job);
      api().delete(CronJobs.path(id));
      out().println("Deleted cron job " + job + ".");
      return ExitCodes.OK;
    }
  }
}

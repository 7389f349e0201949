package io.tasklane.cli.tasks;

import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.CliFailure;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.WireValues;
import io.tasklane.cli.output.Json;
import io.tasklane.contracts.NotifyPolicy;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** The commands that change a task; each resolves the lookup first, then acts on the task id. */
final class TaskActions {

  private TaskActions() {}

  abstract static class OnOneTask extends ApiCommand {

    @Parameters(
        index = "0",
        paramLabel = "LOOKUP",
        description = "A task id, run id or session key.")
    String lookup;

    @Option(names = "--json", description = "Print the task afterwards as JSON.")
    boolean json;

    @Override
    public Integer call() {
      JsonNode task = act(TaskLookup.resolve(api(), lookup));
      if (json) {
        Json.print(out(), task);
      } else {
        out().println(describe(task));
      }
      return ExitCodes.OK;
    }

    abstract JsonNode act(JsonNode task);

    abstract String describe(JsonNode task);
  }

  @Command(name = "cancel", description = "Cancel a task that has not ended.")
  static final class Cancel extends OnOneTask {
    @Override
    JsonNode act(JsonNode task) {
      return api().post(TaskLookup.taskPath(task, "cancel"), null);
    }

    @Override
    String describe(JsonNode task) {
      return "Cancelled " + name(task) + ".";
    }
  }

  @Command(
      name = "pause",
      description = "Pause a queued task now, or a running one at its next safe point.")
  static final class Pause extends OnOneTask {
    @Override
    JsonNode act(JsonNode task) {
      return api().post(TaskLookup.taskPath(task, "pause"), null);
    }

    @Override
    String describe(JsonNode task) {
      return "paused".equals(Json.text(task, "status"))
          ? "Paused " + name(task) + "."
          : "Pause requested for " + name(task) + "; it pauses at its next safe point.";
    }
  }

  @Command(
      name = "resume",
      description = "Queue a paused or needs_assistance task again, optionally with guidance.")
  static final class Resume extends OnOneTask {
    @Option(
        names = {"-m", "--message"},
        paramLabel = "TEXT",
        description = "Guidance for the agent, added to the conversation.")
    String message;

    @Override
    JsonNode act(JsonNode task) {
      var body = Json.object();
      if (message != null) {
        body.put("message", message);
      }
      return api().post(TaskLookup.taskPath(task, "resume"), body);
    }

    @Override
    String describe(JsonNode task) {
      return "Resumed " + name(task) + ": " + Json.text(task, "status") + ".";
    }
  }

  /** Approve or deny: the decision on the task's approval request {@code --approval N}. */
  abstract static class Decide extends OnOneTask {
    @Option(
        names = "--approval",
        required = true,
        paramLabel = "N",
        description = "The number of the approval request decided (see `tasklane approvals`).")
    int approval;

    @Option(
        names = {"-c", "--comment"},
        paramLabel = "TEXT",
        description = "A comment kept with the decision (shown to the model with a denial).")
    String comment;

    @Override
    JsonNode act(JsonNode task) {
      var body = Json.object().put("approval", approval);
      if (comment != null) {
        body.put("comment", comment);
      }
      return api().post(TaskLookup.taskPath(task, decision()), body);
    }

    abstract String decision();

    @Override
    String describe(JsonNode task) {
      return (decision().equals("approve") ? "Approved" : "Denied")
          + " approval request "
          + approval
          + " of "
          + name(task)
          + ": "
          + Json.text(task, "status")
          + ".";
    }
  }

  @Command(
      name = "approve",
      description = "Approve the tool call a task waits for; it runs once and the task goes on.")
  static final class Approve extends Decide {
    @Override
    String decision() {
      return "approve";
    }
  }

  @Command(
      name = "deny",
      description = "Deny the tool call a task waits for; the model goes on without it.")
  static final class Deny extends Decide {
    @Override
    String decision() {
      return "deny";
    }
  }

  @Command(name = "notify", description = "Change which events reach the requester session.")
  static final class Notify extends OnOneTask {
    @Parameters(
        index = "1",
        paramLabel = "POLICY",
        completionCandidates = WireValues.NotifyPolicies.class,
        description = "done_only, state_changes or silent.")
    NotifyPolicy policy;

    @Override
    JsonNode act(JsonNode task) {
      var body = Json.object().put("notifyPolicy", policy.wire());
      return api().put(TaskLookup.taskPath(task, "notify-policy"), body);
    }

    @Override
    String describe(JsonNode task) {
      return "Notify policy of " + name(task) + " is now " + Json.text(task, "notifyPolicy") + ".";
    }
  }

  @Command(
      name = "retry",
      description = "Run failed, timed_out, cancelled or lost tasks again (attempt + 1).")
  static final class Retry extends ApiCommand {
    @Parameters(
        arity = "1..*",
        paramLabel = "LOOKUP",
        description = "Task ids, run ids or session keys.")
    List<String> lookups;

    @Option(names = "--json", description = "Print the retried tasks as JSON.")
    boolean json;

    @Override
    public Integer call() {
      List<JsonNode> retried = new ArrayList<>();
      int status = ExitCodes.OK;
      for (String lookup : lookups) {
        try {
          JsonNode task =
              api().post(TaskLookup.taskPath(TaskLookup.resolve(api(), lookup), "retry"), null);
          retried.add(task);
          if (!json) {
            out()
                .println(
                    "Retrying "
                        + name(task)
                        + ": "
                        + Json.text(task, "status")
                        + " as attempt "
                        + Json.text(task, "attempt")
                        + ".");
          }
        } catch (CliFailure failure) {
          if (lookups.size() == 1) {
            throw failure;
          }
          err().println("tasklane: " + lookup + ": " + failure.getMessage());
          status = status == ExitCodes.OK ? failure.exitCode() : status;
        }
      }
      if (json) {
        var document = Json.object();
        document.putArray("items").addAll(retried);
        Json.print(out(), document);
      }
      return status;
    }
  }

  static String name(JsonNode task) {
    String label = Json.text(task, "label");
    return "task " + Json.text(task, "taskId") + (label == null ? "" : " (" + label + ")");
  }
}

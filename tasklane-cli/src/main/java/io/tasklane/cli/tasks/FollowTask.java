package io.tasklane.cli.tasks;

import io.tasklane.cli.Api;
import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.ServerSentEvent;
import io.tasklane.cli.output.Json;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.UnknownWireValueException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code tasks follow}: the task's lifecycle events as they happen, from its whole history on,
 * until it settles. Settled means a terminal status or {@code needs_assistance}, and only when the
 * task is still in that state: a failure that was retried since is history, not the end.
 */
@Command(
    name = "follow",
    description = {
      "Print a task's lifecycle events live, one line each, until it settles.",
      "Exits 0 when it succeeded; 10 failed, 11 timed_out, 12 cancelled, 13 lost,"
          + " 14 needs_assistance."
    })
final class FollowTask extends ApiCommand {

  @Parameters(paramLabel = "LOOKUP", description = "A task id, run id or session key.")
  String lookup;

  @Option(names = "--json", description = "Print each event as one line of JSON (a CloudEvent).")
  boolean json;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Integer settled;

  @Override
  public Integer call() throws InterruptedException {
    JsonNode task = TaskLookup.resolve(api(), lookup);
    String taskId = Json.text(task, "taskId");
    String events = "/api/v1/tasks" + Api.path(taskId, "events");
    String lastEventId = null;
    while (true) {
      lastEventId = api().stream(events, lastEventId, this::onEvent);
      if (settled != null) {
        return settled;
      }
      // The server closed the stream (a timeout or a restart): pick up after the last event.
      Thread.sleep(1000);
    }
  }

  private boolean onEvent(ServerSentEvent event) {
    JsonNode cloudEvent;
    try {
      cloudEvent = Json.parse(event.data());
    } catch (JacksonException e) {
      return true;
    }
    JsonNode data = cloudEvent.path("data");
    if (json) {
      out().println(Json.line(cloudEvent));
    } else {
      out().println(line(cloudEvent, data));
    }
    out().flush();
    TaskStatus status = status(Json.text(data, "status"));
    if (status != null && (status.isTerminal() || status == TaskStatus.NEEDS_ASSISTANCE)) {
      JsonNode current = api().get("/api/v1/tasks" + Api.path(Json.text(data, "taskId")));
      if (status.wire().equals(Json.text(current, "status"))
          && data.path("attempt").asInt() == current.path("attempt").asInt()) {
        settled = ExitCodes.forSettled(status);
        return false;
      }
    }
    return true;
  }

  private String line(JsonNode cloudEvent, JsonNode data) {
    Instant time = Json.instant(cloudEvent, "time");
    String clock = clock(time, terminal().clock().getZone());
    String status = Json.text(data, "status");
    String type = Json.text(cloudEvent, "type");
    String kind = type == null ? "event" : type.substring(type.lastIndexOf('.') + 1);
    String what =
        switch (kind) {
          case "created" -> "created (" + Json.text(data, "runtime") + ")";
          case "status_changed" -> {
            String previous = Json.text(data, "previousStatus");
            yield (previous == null ? "" : previous + " → ") + status;
          }
          case "progress" -> "progress";
          case "notify_policy_changed" -> "notify policy " + Json.text(data, "notifyPolicy");
          default -> kind;
        };
    String detail =
        switch (kind) {
          case "progress" -> firstOf(data, "progressSummary");
          case "status_changed" -> firstOf(data, "terminalSummary", "error", "statusReason");
          default -> null;
        };
    return String.format(
            "%s  %s  %s%s",
            clock,
            padded(style().status(status), status, 16),
            what,
            detail == null ? "" : ": " + detail.replaceAll("\\s+", " ").strip())
        .stripTrailing();
  }

  /** The event's wall-clock time with its seconds, also when they are zero. */
  static String clock(Instant time, ZoneId zone) {
    return time == null ? "--:--:--" : CLOCK.format(time.atZone(zone));
  }

  private static String padded(String styled, String plain, int width) {
    int visible = plain == null ? 1 : plain.length();
    return styled + " ".repeat(Math.max(0, width - visible));
  }

  private static String firstOf(JsonNode data, String... fields) {
    for (String field : fields) {
      String text = Json.text(data, field);
      if (text != null && !text.isBlank()) {
        return text;
      }
    }
    return null;
  }

  private static TaskStatus status(String wire) {
    if (wire == null) {
      return null;
    }
    try {
      return TaskStatus.fromWire(wire);
    } catch (UnknownWireValueException e) {
      return null;
    }
  }
}

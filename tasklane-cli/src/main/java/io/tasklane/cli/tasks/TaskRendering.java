package io.tasklane.cli.tasks;

import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.RelativeTime;
import io.tasklane.cli.output.Style;
import io.tasklane.cli.output.Table;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** How tasks read in a terminal. */
final class TaskRendering {

  private static final int SESSION_WIDTH = 24;
  private static final int SUMMARY_WIDTH = 48;

  private TaskRendering() {}

  static Table table(List<JsonNode> tasks, Style style, Instant now, boolean wide) {
    Table table =
        Table.of(
            "Task", "Kind", "Status", "Delivery", "Run", "Child session", "Updated", "Summary");
    for (JsonNode task : tasks) {
      Instant updated = Json.instant(task, "lastEventAt");
      table.row(
          Json.text(task, "taskId"),
          Json.text(task, "runtime"),
          style.status(Json.text(task, "status")),
          style.delivery(Json.text(task, "deliveryStatus")),
          clip(Json.text(task, "runId"), SESSION_WIDTH, wide),
          clip(Json.text(task, "childSessionKey"), SESSION_WIDTH, wide),
          RelativeTime.format(updated != null ? updated : Json.instant(task, "createdAt"), now),
          clip(summary(task), SUMMARY_WIDTH, wide));
    }
    return table;
  }

  /** What the task is about or how it ended, in one phrase. */
  static String summary(JsonNode task) {
    for (String field : List.of("terminalSummary", "error", "progressSummary", "label", "goal")) {
      String text = Json.text(task, field);
      if (text != null && !text.isBlank()) {
        return text;
      }
    }
    return null;
  }

  static void detail(JsonNode task, Style style, Instant now, PrintWriter out) {
    Table fields = Table.headless(2);
    field(fields, "Task", Json.text(task, "taskId"));
    field(fields, "Label", Json.text(task, "label"));
    field(
        fields,
        "Kind",
        Json.text(task, "runtime") + " (executor " + Json.text(task, "executor") + ")");
    String reason = Json.text(task, "statusReason");
    field(
        fields,
        "Status",
        style.status(Json.text(task, "status")) + (reason == null ? "" : " — " + reason));
    field(
        fields,
        "Delivery",
        style.delivery(Json.text(task, "deliveryStatus"))
            + " (notify "
            + Json.text(task, "notifyPolicy")
            + ")");
    field(fields, "Run", Json.text(task, "runId"));
    field(fields, "Child session", Json.text(task, "childSessionKey"));
    field(fields, "Requester", Json.text(task, "requesterSessionKey"));
    field(fields, "Owner", Json.text(task, "ownerKey"));
    field(fields, "Flow", Json.text(task, "parentFlowId"));
    field(fields, "Parent task", Json.text(task, "parentTaskId"));
    String runner = Json.text(task, "runnerId");
    Instant lease =
        "running".equals(Json.text(task, "status")) ? Json.instant(task, "leaseExpiresAt") : null;
    field(
        fields,
        "Attempt",
        Json.text(task, "attempt")
            + (runner == null ? "" : " on " + runner)
            + (lease == null ? "" : ", lease expires " + RelativeTime.format(lease, now)));
    field(fields, "Spent", spent(task.get("usage"), task.path("modelOptions").get("budget")));
    time(fields, "Created", task, "createdAt", now);
    time(fields, "Started", task, "startedAt", now);
    time(fields, "Last event", task, "lastEventAt", now);
    time(fields, "Ended", task, "endedAt", now);
    time(fields, "Cleanup after", task, "cleanupAfter", now);
    field(fields, "Goal", Table.clip(Json.text(task, "goal"), 200));
    field(fields, "Progress", Table.clip(Json.text(task, "progressSummary"), 200));
    field(fields, "Summary", Table.clip(Json.text(task, "terminalSummary"), 200));
    field(fields, "Error", Table.clip(Json.text(task, "error"), 200));
    JsonNode metadata = task.get("metadata");
    if (metadata != null && metadata.isObject()) {
      metadata
          .properties()
          .forEach(
              entry ->
                  field(fields, "Metadata", entry.getKey() + "=" + entry.getValue().asString()));
    }
    JsonNode approval = task.get("approval");
    if (approval != null && approval.isObject()) {
      String decision = Json.text(approval, "decision");
      field(
          fields,
          "Approval",
          "#"
              + Json.text(approval, "number")
              + " "
              + Json.text(approval, "tool")
              + " "
              + Table.clip(Json.text(approval, "arguments"), 120)
              + (decision == null
                  ? " — pending until " + Json.text(approval, "deadline")
                  : " — " + decision + " by " + Json.text(approval, "decidedBy")));
    }
    fields.print(out, style);

    JsonNode plan = task.get("plan");
    if (plan != null && plan.isArray() && !plan.isEmpty()) {
      out.println();
      out.println(style.bold("Plan"));
      Table steps = Table.of("#", "Step", "Done when", "Status", "Attempts", "Verdict");
      int current = task.path("currentStep").asInt(-1);
      for (JsonNode step : plan) {
        int index = step.path("index").asInt();
        steps.row(
            (index == current ? "▸ " : "  ") + (index + 1),
            Table.clip(Json.text(step, "description"), 40),
            Table.clip(Json.text(step, "doneWhen"), 40),
            stepStatus(Json.text(step, "status"), style),
            Json.text(step, "attempts"),
            Table.clip(Json.text(step, "verdict"), 60));
      }
      steps.print(out, style);
    }
  }

  /** What the task has spent, each figure against its budget when it has one; null before any. */
  static String spent(JsonNode usage, JsonNode budget) {
    if (usage == null || !usage.isObject() || usage.path("modelCalls").asLong() == 0) {
      return null;
    }
    return String.join(
        ", ",
        of(usage, "tokens", budget, "tokens") + " tokens",
        of(usage, "modelCalls", budget, "modelCalls") + " model calls",
        of(usage, "toolCalls", budget, "toolCalls") + " tool calls",
        usage.path("wallMillis").asLong() / 1000
            + (budget != null && budget.has("wallSeconds")
                ? " of " + budget.path("wallSeconds").asLong()
                : "")
            + " s");
  }

  private static String of(JsonNode usage, String field, JsonNode budget, String limit) {
    long used = usage.path(field).asLong();
    return budget != null && budget.hasNonNull(limit)
        ? used + " of " + budget.path(limit).asLong()
        : Long.toString(used);
  }

  private static String stepStatus(String status, Style style) {
    if (status == null) {
      return "-";
    }
    return switch (status) {
      case "verified" -> style.green(status);
      case "running" -> style.cyan(status);
      case "failed" -> style.red(status);
      default -> status;
    };
  }

  private static void field(Table table, String name, String value) {
    if (value != null && !value.isBlank()) {
      table.row(name, value);
    }
  }

  private static void time(Table table, String name, JsonNode task, String field, Instant now) {
    Instant at = Json.instant(task, field);
    if (at != null) {
      table.row(
          name, RelativeTime.format(at, now) + " (" + at.truncatedTo(ChronoUnit.SECONDS) + ")");
    }
  }

  private static String clip(String text, int max, boolean wide) {
    return wide ? text : Table.clip(text, max);
  }
}

package io.tasklane.cli.audit;

import io.tasklane.cli.Api;
import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.output.Ages;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.Style;
import io.tasklane.cli.output.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code tasks audit}: what the ledger finds stale, lost, undelivered or inconsistent. */
@Command(
    name = "audit",
    description = "Show audit findings for tasks and flows (needs the admin scope).")
public final class AuditCommand extends ApiCommand {

  @Option(
      names = "--severity",
      paramLabel = "LEVEL",
      completionCandidates = Severities.class,
      description = "Only findings of this severity: ${COMPLETION-CANDIDATES}.")
  Severity severity;

  @Option(
      names = "--code",
      paramLabel = "CODE",
      description = "Only findings with this code, e.g. stale_running, lost, delivery_failed.")
  String code;

  @Option(names = "--limit", paramLabel = "N", description = "Show at most N findings.")
  Integer limit;

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  enum Severity {
    warn,
    error
  }

  static final class Severities extends ArrayList<String> {
    Severities() {
      super(List.of("warn", "error"));
    }
  }

  @Override
  public Integer call() {
    JsonNode audit =
        api()
            .get(
                "/api/v1/audit"
                    + Api.query(
                        "severity", severity == null ? null : severity.name(),
                        "code", code,
                        "limit", limit));
    if (json) {
      Json.print(out(), audit);
      return ExitCodes.OK;
    }
    print(audit, style(), out());
    return ExitCodes.OK;
  }

  /** Findings as a table with their counts underneath; maintenance prints audits the same way. */
  public static void print(JsonNode audit, Style style, PrintWriter out) {
    Table table = Table.of("Severity", "Code", "Subject", "Age", "Detail");
    for (JsonNode finding : Json.items(audit, "findings")) {
      table.row(
          style.severity(Json.text(finding, "severity")),
          Json.text(finding, "code"),
          subject(finding),
          Ages.format(Ages.read(finding, "ageSeconds")),
          Table.clip(Json.text(finding, "detail"), 80));
    }
    if (table.isEmpty()) {
      out.println("No findings.");
    } else {
      table.print(out, style);
    }
    out.println(style.dim(summary(audit)));
  }

  /** "3 findings: 1 error, 2 warn" */
  public static String summary(JsonNode audit) {
    int findings = 0;
    for (JsonNode ignored : Json.items(audit, "findings")) {
      findings++;
    }
    JsonNode counts = audit.path("summary");
    int total = counts.path("total").asInt(findings);
    return "%d finding%s: %d error, %d warn"
        .formatted(
            total,
            total == 1 ? "" : "s",
            counts.path("error").asInt(),
            counts.path("warn").asInt());
  }

  private static String subject(JsonNode finding) {
    String task = Json.text(finding, "taskId");
    if (task != null) {
      return "task " + task;
    }
    String flow = Json.text(finding, "flowId");
    return flow == null ? null : "flow " + flow;
  }
}

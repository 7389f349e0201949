package io.tasklane.cli.audit;

import io.tasklane.cli.Api;
import io.tasklane.cli.ApiCommand;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.output.Ages;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.Style;
import io.tasklane.cli.output.Table;
import io.tasklane.contracts.AuditCode;
import io.tasklane.contracts.Severity;
import io.tasklane.contracts.UnknownWireValueException;
import io.tasklane.contracts.WireEnum;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
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
      converter = SeverityValue.class,
      description = "Only findings of this severity: ${COMPLETION-CANDIDATES}.")
  Severity severity;

  @Option(
      names = "--code",
      paramLabel = "CODE",
      completionCandidates = Codes.class,
      description = "Only findings with this code: ${COMPLETION-CANDIDATES}.")
  String code;

  @Option(names = "--limit", paramLabel = "N", description = "Show at most N findings.")
  Integer limit;

  @Option(names = "--json", description = "Print JSON (see docs/cli.md).")
  boolean json;

  static final class Severities extends ArrayList<String> {
    Severities() {
      super(WireEnum.allowedValues(Severity.class));
    }
  }

  /** Reads a severity by its wire value and refuses others as picocli refuses an enum value. */
  static final class SeverityValue implements CommandLine.ITypeConverter<Severity> {
    @Override
    public Severity convert(String value) {
      try {
        return Severity.fromWire(value);
      } catch (UnknownWireValueException e) {
        throw new CommandLine.TypeConversionException(
            "expected one of %s (case-sensitive) but was '%s'"
                .formatted(WireEnum.allowedValues(Severity.class), value));
      }
    }
  }

  static final class Codes extends ArrayList<String> {
    Codes() {
      super(WireEnum.allowedValues(AuditCode.class));
    }
  }

  @Override
  public Integer call() {
    JsonNode audit =
        api()
            .get(
                "/api/v1/audit"
                    + Api.query(
                        "severity", severity == null ? null : severity.wire(),
                        "code", code,
                        "limit", limit));
    if (json) {
      Json.print(out(), audit);
    } else {
      print(audit, style(), out());
    }
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
          Ages.format(Duration.ofSeconds(finding.path("ageSeconds").asLong())),
          Table.clip(Json.text(finding, "detail"), 80));
    }
    if (table.isEmpty()) {
      out.println("No findings.");
      return;
    }
    table.print(out, style);
    out.println(style.dim(summary(audit)));
  }

  /** "3 findings (1 error, 2 warn); 2 stale_queued, 1 lost", counting those not listed too. */
  public static String summary(JsonNode audit) {
    JsonNode summary = audit.path("summary");
    long total = summary.path("total").asLong();
    List<String> severities = new ArrayList<>();
    for (String level : WireEnum.allowedValues(Severity.class).reversed()) {
      long count = summary.path("bySeverity").path(level).asLong();
      if (count > 0) {
        severities.add(count + " " + level);
      }
    }
    List<String> codes = new ArrayList<>();
    summary
        .path("byCode")
        .properties()
        .forEach(entry -> codes.add(entry.getValue().asLong() + " " + entry.getKey()));
    return "%d finding%s (%s); %s"
        .formatted(
            total, total == 1 ? "" : "s", String.join(", ", severities), String.join(", ", codes));
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

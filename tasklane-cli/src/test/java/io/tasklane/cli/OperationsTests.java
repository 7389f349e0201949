package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.cli.TasklaneSuite.Run;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * {@code tasks audit}, {@code tasks maintenance}, {@code flows} and {@code cron} against the real
 * ledger, whose audit thresholds are seconds here so that real situations produce findings. The
 * audit is read before maintenance is applied.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsTests {

  static final String KEY = TasklaneSuite.keyOf("operations");
  static TasklaneSuite suite;
  static JsonNode waiting;
  static JsonNode ended;

  @BeforeAll
  static void aStaleTaskAndAnEndedOneWithoutCleanup() {
    suite = TasklaneSuite.get();
    waiting =
        suite.createTask(
            KEY,
            "{\"goal\":\"Nobody picks this up\",\"label\":\"idle\",\"executor\":\"external\"}");
    ended = suite.createTask(KEY, "{\"goal\":\"Ends at once\",\"executor\":\"external\"}");
    suite.cli(KEY, "tasks", "cancel", id(ended));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              String audit = suite.call(KEY, "GET", "/api/v1/audit", null, 200).toString();
              return audit.contains("stale_queued") && audit.contains("missing_cleanup");
            });
  }

  @Test
  @Order(1)
  void auditListsFindingsWithTheirSubjectAgeAndCounts() {
    Run run = suite.cli(KEY, "tasks", "audit");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.lines().getFirst()).startsWith("Severity").contains("Code", "Subject", "Age");
    assertThat(run.out())
        .containsPattern("warn +stale_queued +task " + id(waiting) + " +\\d+[sm] ")
        .containsPattern("info +missing_cleanup +task " + id(ended));
    assertThat(run.lines().getLast()).contains("1 warn", "1 info", "1 stale_queued");

    Run warnings = suite.cli(KEY, "tasks", "audit", "--severity", "warn");
    assertThat(warnings.out()).contains("stale_queued").doesNotContain("info  missing_cleanup");

    Run none = suite.cli(KEY, "tasks", "audit", "--code", "lost");
    assertThat(none.status()).isZero();
    assertThat(none.out()).isEqualTo("No findings.\n");
  }

  @Test
  @Order(1)
  void auditAsJsonIsTheReportWithFindingsAndSummary() {
    JsonNode report = suite.cli(KEY, "tasks", "audit", "--json", "--code", "stale_queued").json();

    assertThat(report.get("findings")).hasSize(1);
    JsonNode finding = report.get("findings").get(0);
    assertThat(finding.get("code").asString()).isEqualTo("stale_queued");
    assertThat(finding.get("severity").asString()).isEqualTo("warn");
    assertThat(finding.get("taskId").asString()).isEqualTo(id(waiting));
    assertThat(finding.get("ageSeconds").asLong()).isPositive();
    assertThat(report.get("summary").get("total").asLong()).isEqualTo(1);
  }

  @Test
  void anUnknownAuditCodeIsTheServersReasonOnOneLine() {
    Run run = suite.cli(KEY, "tasks", "audit", "--code", "haunted");

    assertThat(run.status()).isEqualTo(ExitCodes.REQUEST_FAILED);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .contains("unknown audit code 'haunted'");
  }

  @Test
  void maintenancePreviewChangesNothingAndApplyStampsTheCleanup() {
    Run preview = suite.cli(KEY, "tasks", "maintenance");

    assertThat(preview.status()).as(preview.err()).isZero();
    assertThat(preview.out())
        .startsWith("Maintenance preview (nothing changed; --apply to act):")
        .containsPattern("Cleanup stamped +1")
        .contains("missing_cleanup");
    assertThat(suite.task(KEY, id(ended)).get("cleanupAfter")).isNull();
    JsonNode previewJson = suite.cli(KEY, "tasks", "maintenance", "--json").json();
    assertThat(previewJson.get("mode").asString()).isEqualTo("preview");
    assertThat(previewJson.get("cleanupStamped").asInt()).isEqualTo(1);

    Run apply = suite.cli(KEY, "tasks", "maintenance", "--apply");

    assertThat(apply.status()).as(apply.err()).isZero();
    assertThat(apply.out())
        .startsWith("Maintenance applied:")
        .containsPattern("Cleanup stamped +1");
    assertThat(suite.task(KEY, id(ended)).get("cleanupAfter")).isNotNull();
    assertThat(suite.cli(KEY, "tasks", "audit", "--code", "missing_cleanup").out())
        .isEqualTo("No findings.\n");
  }

  @Test
  void flowsAreListedShownWithTheirTasksAndCancelledWithThem() {
    JsonNode flow =
        suite.call(
            KEY,
            "POST",
            "/api/v1/flows",
            "{\"goal\":\"Ship the release notes\",\"ownerKey\":\"release-bot\"}",
            201);
    String flowId = flow.get("flowId").asString();
    JsonNode child =
        suite.createTask(
            KEY,
            """
            {"goal":"Draft the notes","label":"draft-notes","executor":"external","parentFlowId":"%s"}
            """
                .formatted(flowId));

    Run list = suite.cli(KEY, "flows");
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.lines().getFirst()).startsWith("Flow").contains("Status", "Goal");
    assertThat(list.out()).contains(flowId, "release-bot", "Ship the release notes");

    Run show = suite.cli(KEY, "flows", "show", flowId);
    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out())
        .contains("Flow     ", flowId)
        .contains("Goal", "Ship the release notes")
        .containsPattern("Tasks +1 queued")
        .contains(id(child), "draft-notes");
    assertThat(suite.cli(KEY, "flows", "show", flowId, "--json").json().get("tasks")).hasSize(1);

    Run cancel = suite.cli(KEY, "flows", "cancel", flowId, "--reason", "Release postponed");
    assertThat(cancel.status()).as(cancel.err()).isZero();
    assertThat(cancel.out()).startsWith("Cancel requested for flow " + flowId);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> suite.task(KEY, id(child)).get("status").asString().equals("cancelled"));
    assertThat(suite.cli(KEY, "flows", "list", "--status", "running").out()).doesNotContain(flowId);
  }

  @Test
  void aDisabledCronJobHasNoNextFiringAndAJobsTemplateCanCarryAPlan() {
    Run create =
        suite.cli(
            KEY,
            "cron",
            "create",
            "--name",
            "weekly-report",
            "--cron",
            "0 0 6 * * MON",
            "--goal",
            "Write the weekly report",
            "--step",
            "Collect the numbers::numbers.csv exists",
            "--step",
            "Write report.md from them :: report.md contains the numbers",
            "--disabled");
    assertThat(create.status()).as(create.err()).isZero();
    JsonNode stored = suite.cli(KEY, "cron", "show", "weekly-report", "--json").json();
    assertThat(stored.get("task").get("plan"))
        .extracting(s -> s.get("description").asString() + " | " + s.get("doneWhen").asString())
        .containsExactly(
            "Collect the numbers | numbers.csv exists",
            "Write report.md from them | report.md contains the numbers");

    Run list = suite.cli(KEY, "cron");
    String row =
        list.lines().stream().filter(l -> l.startsWith("weekly-report")).findFirst().orElseThrow();
    assertThat(row).containsPattern(" no +- +- +0$").doesNotContain("ago");
    Run show = suite.cli(KEY, "cron", "show", "weekly-report");
    assertThat(show.out())
        .containsPattern("Next firing +- \\(disabled\\)")
        .containsPattern("Plan step 1 +Collect the numbers \\(done when: numbers.csv exists\\)")
        .containsPattern("Plan step 2 +Write report.md from them");

    Run malformed =
        suite.cli(
            KEY,
            "cron",
            "create",
            "--name",
            "bad",
            "--cron",
            "0 0 6 * * *",
            "--goal",
            "g",
            "--step",
            "no separator");
    assertThat(malformed.status()).isNotZero();
    assertThat(malformed.err()).contains("--step needs DESCRIPTION::DONE_WHEN");
    suite.cli(KEY, "cron", "delete", "weekly-report");
  }

  @Test
  void cronJobsAreCreatedShownDisabledEnabledAndDeletedByName() {
    Run create =
        suite.cli(
            KEY,
            "cron",
            "create",
            "--name",
            "nightly-digest",
            "--cron",
            "0 0 3 * * *",
            "--time-zone",
            "Europe/Berlin",
            "--goal",
            "Write the nightly digest",
            "--label",
            "digest",
            "--metadata",
            "team=ops");
    assertThat(create.status()).as(create.err()).isZero();
    assertThat(create.out())
        .startsWith("Created cron job nightly-digest (")
        .contains("next firing in");
    String id =
        suite
            .cli(KEY, "cron", "show", "nightly-digest", "--json")
            .json()
            .get("cronJobId")
            .asString();
    JsonNode stored = suite.call(KEY, "GET", "/api/v1/cron-jobs/" + id, null, 200);
    assertThat(stored.get("timeZone").asString()).isEqualTo("Europe/Berlin");
    assertThat(stored.get("task").get("goal").asString()).isEqualTo("Write the nightly digest");
    assertThat(stored.get("task").get("metadata").get("team").asString()).isEqualTo("ops");

    Run list = suite.cli(KEY, "cron");
    assertThat(list.out()).contains("nightly-digest", id, "0 0 3 * * * Europe/Berlin", "yes");
    Run show = suite.cli(KEY, "cron", "show", id);
    assertThat(show.out())
        .containsPattern("Schedule +0 0 3 \\* \\* \\* Europe/Berlin")
        .containsPattern("Task goal +Write the nightly digest")
        .containsPattern("Notify +silent \\(the cron default\\)")
        .containsPattern("Metadata +team=ops");

    assertThat(suite.cli(KEY, "cron", "disable", "nightly-digest").out())
        .isEqualTo("Disabled cron job nightly-digest.\n");
    assertThat(
            suite.call(KEY, "GET", "/api/v1/cron-jobs/" + id, null, 200).get("enabled").asBoolean())
        .isFalse();
    assertThat(suite.cli(KEY, "cron", "enable", id).out())
        .isEqualTo("Enabled cron job nightly-digest.\n");
    assertThat(
            suite.call(KEY, "GET", "/api/v1/cron-jobs/" + id, null, 200).get("enabled").asBoolean())
        .isTrue();

    Run delete = suite.cli(KEY, "cron", "delete", "nightly-digest");
    assertThat(delete.status()).isZero();
    suite.call(KEY, "GET", "/api/v1/cron-jobs/" + id, null, 404);
    Run gone = suite.cli(KEY, "cron", "show", "nightly-digest");
    assertThat(gone.status()).isEqualTo(ExitCodes.REQUEST_FAILED);
    assertThat(gone.err())
        .isEqualTo("tasklane: Cron job not found: no cron job is named 'nightly-digest'\n");
  }

  private static String id(JsonNode task) {
    return task.get("taskId").asString();
  }
}

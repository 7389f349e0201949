package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.cli.TasklaneSuite.Run;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code tasks}, {@code tasks list} and {@code tasks show} against the real ledger. */
class TaskListingTests {

  static final String KEY = TasklaneSuite.keyOf("listing");
  static TasklaneSuite suite;
  static JsonNode deploy;
  static JsonNode nightly;
  static JsonNode cancelled;

  @BeforeAll
  static void someTasks() {
    suite = TasklaneSuite.get();
    deploy =
        suite.createTask(
            KEY,
            """
            {"goal":"Check the deploy and report the live URL","label":"deploy-check",
             "runtime":"subagent","executor":"external","runId":"run-deploy-1",
             "requesterSessionKey":"chat-ops"}
            """);
    nightly =
        suite.createTask(
            KEY,
            """
            {"goal":"Publish the nightly post","label":"nightly-post","runtime":"cron",
             "executor":"external"}
            """);
    cancelled =
        suite.createTask(
            KEY, "{\"goal\":\"Abandoned idea\",\"runtime\":\"cli\",\"executor\":\"external\"}");
    suite.call(
        KEY, "POST", "/api/v1/tasks/" + cancelled.get("taskId").asString() + "/cancel", null, 200);
  }

  @Test
  void tasksWithoutASubcommandListsTheLedgerNewestFirstInAlignedColumns() {
    Run run = suite.cli(KEY, "tasks");

    assertThat(run.status()).isZero();
    assertThat(run.err()).isEmpty();
    List<String> lines = run.lines();
    String header = lines.getFirst();
    assertThat(header)
        .startsWith("Task")
        .contains("Kind", "Status", "Delivery", "Run", "Child session", "Updated", "Summary");
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1)).startsWith(id(cancelled));
    assertThat(lines.get(2)).startsWith(id(nightly)).contains("cron", "queued", "nightly-post");
    assertThat(lines.get(3))
        .startsWith(id(deploy))
        .contains("subagent", "queued", "run-deploy-1", "task_", "deploy-check");
    for (String column : List.of("Kind", "Status", "Delivery", "Updated", "Summary")) {
      int at = header.indexOf(column);
      assertThat(lines.subList(1, lines.size()))
          .as("column %s starts at %d on every row", column, at)
          .allSatisfy(line -> assertThat(line.charAt(at - 1)).isEqualTo(' '))
          .allSatisfy(line -> assertThat(line.charAt(at)).isNotEqualTo(' '));
    }
    assertThat(lines.get(1)).containsPattern("(just now|\\d+s ago)");
    assertThat(run.out()).doesNotContain("\u001b[");
  }

  @Test
  void listFiltersByStatusAndRuntimeAndLimits() {
    Run queued = suite.cli(KEY, "tasks", "list", "--status", "queued");
    assertThat(queued.status()).isZero();
    assertThat(queued.out()).contains(id(deploy), id(nightly)).doesNotContain(id(cancelled));

    Run finished = suite.cli(KEY, "tasks", "--status", "cancelled,failed");
    assertThat(finished.out()).contains(id(cancelled)).doesNotContain(id(deploy), id(nightly));

    Run cron = suite.cli(KEY, "tasks", "list", "--runtime", "cron");
    assertThat(cron.out()).contains(id(nightly)).doesNotContain(id(deploy), id(cancelled));

    Run newest = suite.cli(KEY, "tasks", "list", "--limit", "1");
    assertThat(newest.lines()).hasSize(3);
    assertThat(newest.lines().get(1)).startsWith(id(cancelled));
    assertThat(newest.lines().get(2))
        .containsPattern("Showing 1; the next ones with --cursor \\S+");

    Run none = suite.cli(KEY, "tasks", "list", "--status", "lost");
    assertThat(none.status()).isZero();
    assertThat(none.out()).isEqualTo("No tasks match.\n");
  }

  @Test
  void listFiltersByLabelAndPagesOnWithTheCursorItPrints() {
    Run labelled = suite.cli(KEY, "tasks", "--label", "NIGHTLY");
    assertThat(labelled.status()).as(labelled.err()).isZero();
    assertThat(labelled.lines()).hasSize(2);
    assertThat(labelled.lines().get(1)).startsWith(id(nightly));
    assertThat(suite.cli(KEY, "tasks", "--label", "deploy").out())
        .contains(id(deploy))
        .doesNotContain(id(nightly), id(cancelled));
    assertThat(suite.cli(KEY, "tasks", "--label", "weekly").out()).isEqualTo("No tasks match.\n");

    Run first = suite.cli(KEY, "tasks", "--limit", "1");
    String cursor = first.lines().getLast().replaceAll(".*--cursor (\\S+) .*", "$1");
    Run second = suite.cli(KEY, "tasks", "--limit", "1", "--cursor", cursor);
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.lines().get(1)).startsWith(id(nightly));
    String next = second.lines().getLast().replaceAll(".*--cursor (\\S+) .*", "$1");
    Run third = suite.cli(KEY, "tasks", "--limit", "1", "--cursor", next);
    assertThat(third.lines()).hasSize(2);
    assertThat(third.lines().get(1)).startsWith(id(deploy));
    JsonNode page = suite.cli(KEY, "tasks", "--json", "--cursor", cursor).json();
    assertThat(page.get("items"))
        .extracting(t -> t.get("taskId").asString())
        .containsExactly(id(nightly), id(deploy));
  }

  @Test
  void listAsJsonIsThePageOfTaskSummaries() {
    Run run = suite.cli(KEY, "tasks", "list", "--json", "--limit", "2");

    assertThat(run.status()).isZero();
    JsonNode page = run.json();
    assertThat(page.get("items")).hasSize(2);
    assertThat(page.get("items").get(0).get("taskId").asString()).isEqualTo(id(cancelled));
    assertThat(page.get("items").get(1).get("label").asString()).isEqualTo("nightly-post");
    assertThat(page.get("items").get(1).get("status").asString()).isEqualTo("queued");
    assertThat(page.get("nextCursor").isString()).isTrue();

    JsonNode all = suite.cli(KEY, "tasks", "--json").json();
    assertThat(all.get("items")).hasSize(3);
    assertThat(all.get("nextCursor").isNull()).isTrue();
  }

  @Test
  void showFindsATaskByIdRunIdChildSessionOrRequesterSession() {
    for (String lookup :
        List.of(id(deploy), "run-deploy-1", deploy.get("childSessionKey").asString(), "chat-ops")) {
      Run run = suite.cli(KEY, "tasks", "show", lookup);

      assertThat(run.status()).as(lookup).isZero();
      assertThat(run.out())
          .contains("Task           " + id(deploy))
          .contains("Label          deploy-check")
          .contains("Kind           subagent (executor external)")
          .contains("Status         queued")
          .contains("Delivery       pending (notify done_only)")
          .contains("Run            run-deploy-1")
          .contains("Requester      chat-ops")
          .contains("Goal           Check the deploy and report the live URL")
          .containsPattern("Created        (just now|\\d+s ago) \\(20\\d\\d-");
    }
  }

  @Test
  void showAsJsonIsTheTaskAsTheApiShowsIt() {
    Run run = suite.cli(KEY, "tasks", "show", "run-deploy-1", "--json");

    assertThat(run.status()).isZero();
    assertThat(run.json()).isEqualTo(suite.task(KEY, id(deploy)));
  }

  @Test
  void colourOnlyOnATerminalAndNeverWithNoColor() {
    Map<String, String> env = Map.of("TASKLANE_URL", suite.url(), "TASKLANE_API_KEY", KEY);

    Run terminal = TasklaneSuite.cli(env, true, "tasks", "--status", "cancelled");
    assertThat(terminal.out()).contains("\u001b[2mcancelled\u001b[0m");
    assertThat(terminal.out().lines().skip(1).findFirst().orElseThrow()).startsWith(id(cancelled));

    Map<String, String> noColor = new java.util.HashMap<>(env);
    noColor.put("NO_COLOR", "1");
    Run plain = TasklaneSuite.cli(noColor, true, "tasks", "--status", "cancelled");
    assertThat(plain.out()).doesNotContain("\u001b[").contains("cancelled");
  }

  @Test
  void flagsTakePrecedenceOverTheEnvironment() {
    Run run =
        TasklaneSuite.cli(
            Map.of("TASKLANE_URL", "http://localhost:1", "TASKLANE_API_KEY", "tl_wrong"),
            false,
            "tasks",
            "show",
            id(deploy),
            "--url",
            suite.url(),
            "--api-key",
            KEY);

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains(id(deploy));
  }

  static String id(JsonNode task) {
    return task.get("taskId").asString();
  }
}

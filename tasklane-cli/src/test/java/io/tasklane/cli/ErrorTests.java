package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.cli.TasklaneSuite.Run;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * When the CLI cannot do what was asked, it says why on one line of standard error, in words a
 * person can act on, exits non-zero, prints nothing on standard output, and never shows the key.
 */
class ErrorTests {

  static final String KEY = TasklaneSuite.keyOf("errors");
  static TasklaneSuite suite;

  @BeforeAll
  static void start() {
    suite = TasklaneSuite.get();
  }

  @Test
  void anUnknownLookupIsOneLineAndExitOne() {
    Run run = suite.cli(KEY, "tasks", "show", "no-such-session");

    assertOneLineFailure(run, ExitCodes.REQUEST_FAILED);
    assertThat(run.err()).startsWith("tasklane: Task not found: ").contains("no-such-session");
  }

  @Test
  void anAmbiguousLookupListsTheCandidatesOnOneLine() {
    JsonNode first = task("{\"goal\":\"One\",\"executor\":\"external\",\"runId\":\"shared-run\"}");
    JsonNode second = task("{\"goal\":\"Two\",\"executor\":\"external\",\"runId\":\"shared-run\"}");

    for (String command : new String[] {"show", "cancel"}) {
      Run run = suite.cli(KEY, "tasks", command, "shared-run");

      assertOneLineFailure(run, ExitCodes.REQUEST_FAILED);
      assertThat(run.err())
          .startsWith("tasklane: Ambiguous lookup: 'shared-run' matches 2 tasks")
          .contains(id(first), id(second));
    }
    assertThat(suite.task(KEY, id(first)).get("status").asString()).isEqualTo("queued");
    assertThat(suite.task(KEY, id(second)).get("status").asString()).isEqualTo("queued");
  }

  @Test
  void aRefusedTransitionIsTheServersReasonOnOneLine() {
    JsonNode task = task("{\"goal\":\"Cancel twice\",\"executor\":\"external\"}");
    suite.cli(KEY, "tasks", "cancel", id(task));

    Run run = suite.cli(KEY, "tasks", "cancel", id(task));

    assertOneLineFailure(run, ExitCodes.REQUEST_FAILED);
    assertThat(run.err()).startsWith("tasklane: Invalid transition: ").contains("cancelled");
  }

  @Test
  void aWrongKeyIsExplainedWithoutShowingIt() {
    String wrong = "tl_definitely_not_a_key_4711";

    Run run = suite.cli(wrong, "tasks");

    assertOneLineFailure(run, ExitCodes.UNAUTHENTICATED);
    assertThat(run.err())
        .isEqualTo(
            "tasklane: Tasklane at %s rejected the API key: check TASKLANE_API_KEY or --api-key (keys are per tenant)\n"
                .formatted(suite.url()));
    assertThat(run.err() + run.out()).doesNotContain(wrong);
  }

  @Test
  void noKeyAtAllSaysWhereToPutOne() {
    Run run = TasklaneSuite.cli(Map.of("TASKLANE_URL", suite.url()), false, "tasks");

    assertOneLineFailure(run, ExitCodes.UNAUTHENTICATED);
    assertThat(run.err())
        .isEqualTo(
            "tasklane: Tasklane at %s needs an API key: set TASKLANE_API_KEY or pass --api-key\n"
                .formatted(suite.url()));
  }

  @Test
  void aReadOnlyKeyMayListButNotCancelAndIsToldWhichScopeIsMissing() {
    JsonNode task = task("{\"goal\":\"Read only\",\"executor\":\"external\"}");
    assertThat(suite.cli(TasklaneSuite.READER_KEY, "tasks", "show", id(task)).status()).isZero();

    Run run = suite.cli(TasklaneSuite.READER_KEY, "tasks", "cancel", id(task));

    assertOneLineFailure(run, ExitCodes.FORBIDDEN);
    assertThat(run.err())
        .startsWith("tasklane: Not allowed: ")
        .contains("the scope 'tasks:write'")
        .endsWith("; use an API key that has it\n");
    assertThat(run.err()).doesNotContain(TasklaneSuite.READER_KEY);
    assertThat(suite.task(KEY, id(task)).get("status").asString()).isEqualTo("queued");
  }

  @Test
  void auditAndMaintenanceNeedTheAdminScope() {
    for (String[] command :
        new String[][] {
          {"tasks", "audit"}, {"tasks", "maintenance"}, {"tasks", "maintenance", "--apply"}
        }) {
      Run run = suite.cli(TasklaneSuite.WRITER_KEY, command);

      assertOneLineFailure(run, ExitCodes.FORBIDDEN);
      assertThat(run.err()).startsWith("tasklane: Not allowed: ").contains("the scope 'admin'");
    }
  }

  @Test
  void aClosedPortSaysTasklaneIsNotReachableAndHowToPointAtIt() throws Exception {
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String closed = "http://localhost:" + port;

    Run run =
        TasklaneSuite.cli(
            Map.of("TASKLANE_URL", closed, "TASKLANE_API_KEY", KEY), false, "tasks", "list");

    assertOneLineFailure(run, ExitCodes.UNREACHABLE);
    assertThat(run.err())
        .isEqualTo(
            "tasklane: Cannot reach Tasklane at %s: is it running? Set TASKLANE_URL or --url to the gateway's address\n"
                .formatted(closed));
    assertThat(run.err()).doesNotContain(KEY);
  }

  @Test
  void aUrlThatIsNotOneIsAUsageError() {
    Run run = suite.cli(KEY, "tasks", "--url", "localhost:8080");

    assertOneLineFailure(run, ExitCodes.USAGE);
    assertThat(run.err()).contains("'localhost:8080' is not a Tasklane URL");
  }

  private static void assertOneLineFailure(Run run, int status) {
    assertThat(run.status()).as(run.err()).isEqualTo(status);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).hasSize(1);
  }

  private static JsonNode task(String json) {
    return suite.createTask(KEY, json);
  }

  private static String id(JsonNode task) {
    return task.get("taskId").asString();
  }
}

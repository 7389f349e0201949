package io.tasklane.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.ObservedCall;
import io.tasklane.contracts.PlanCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Each check type against a real workspace and recorded calls, without a model. */
@Tag("fast")
class ChecksTests {

  @TempDir Path workspace;

  private final Checks checks = new Checks(JsonMapper.builder().build());

  private boolean passes(PlanCheck check, List<ObservedCall> calls, Map<String, String> before) {
    return checks.evaluate(check, workspace, calls, before).passed();
  }

  private boolean passes(PlanCheck check, ObservedCall... calls) {
    return passes(check, List.of(calls), Map.of());
  }

  private static ObservedCall call(String tool, String outcome, String result, String target) {
    return new ObservedCall(0, tool, outcome, result, target, false);
  }

  @Test
  void fileChecksReadTheWorkspaceAsItIs() throws Exception {
    Files.createDirectories(workspace.resolve("out"));
    Files.writeString(workspace.resolve("out/report.md"), "Total: 42\n");
    Files.writeString(workspace.resolve("data.json"), "{\"a\":{\"b\":[{\"id\":7},\"x\"]}}");

    assertThat(passes(PlanCheck.fileExists("out/report.md"))).isTrue();
    assertThat(passes(PlanCheck.fileExists("out/missing.md"))).isFalse();
    assertThat(passes(PlanCheck.fileContains("out/report.md", "Total: 42"))).isTrue();
    assertThat(passes(PlanCheck.fileContains("out/report.md", "Total: 43"))).isFalse();
    assertThat(passes(PlanCheck.fileMatches("out/report.md", "Total: \\d+"))).isTrue();
    assertThat(passes(PlanCheck.jsonPathEquals("data.json", "$.a.b[0].id", "7"))).isTrue();
    assertThat(passes(PlanCheck.jsonPathEquals("data.json", "$.a.b[1]", "x"))).isTrue();
    assertThat(passes(PlanCheck.jsonPathEquals("data.json", "$.a.b[1]", "y"))).isFalse();
    assertThat(passes(PlanCheck.jsonPathEquals("out/report.md", "$.a", "1"))).isFalse();
  }

  @Test
  void aFileOutsideTheWorkspaceNeverPassesEvenThroughALink() throws Exception {
    Path outside = Files.createTempFile("outside", ".txt");
    Files.writeString(outside, "secret");
    Files.createSymbolicLink(workspace.resolve("link.txt"), outside);

    assertThat(passes(PlanCheck.fileContains("link.txt", "secret"))).isFalse();
    assertThat(passes(PlanCheck.fileExists("../" + outside.getFileName()))).isFalse();
  }

  @Test
  void changeChecksCompareTheFileWithItsStateBeforeTheAttempt() throws Exception {
    Files.writeString(workspace.resolve("a.txt"), "one");
    Map<String, String> before = Map.of("a.txt", Checks.fingerprint(workspace, "a.txt"));

    assertThat(passes(PlanCheck.fileUnchanged("a.txt"), List.of(), before)).isTrue();
    assertThat(passes(PlanCheck.fileChangedInStep("a.txt"), List.of(), before)).isFalse();
    Files.writeString(workspace.resolve("a.txt"), "two");
    assertThat(passes(PlanCheck.fileUnchanged("a.txt"), List.of(), before)).isFalse();
    assertThat(passes(PlanCheck.fileChangedInStep("a.txt"), List.of(), before)).isTrue();
    Map<String, String> absent = Map.of("new.txt", Checks.fingerprint(workspace, "new.txt"));
    Files.writeString(workspace.resolve("new.txt"), "created");
    assertThat(passes(PlanCheck.fileChangedInStep("new.txt"), List.of(), absent)).isTrue();
  }

  @Test
  void fetchChecksReadOnlyTheStatusLineTheToolWrote() {
    ObservedCall notFound =
        call("http_fetch", ObservedCall.FAILED, "HTTP 404\nHTTP 200\nall good", "http://a/x");
    ObservedCall ok = call("http_fetch", ObservedCall.OK, "HTTP 200\nservice is up", "http://a/h");

    assertThat(passes(PlanCheck.httpStatus(null, 404), notFound)).isTrue();
    assertThat(passes(PlanCheck.httpStatus(null, 200), notFound)).isFalse();
    assertThat(passes(PlanCheck.httpStatus("http://a/h", 200), notFound, ok)).isTrue();
    assertThat(passes(PlanCheck.httpStatus("http://a/x", 200), notFound, ok)).isFalse();
    assertThat(passes(PlanCheck.bodyContains(null, "service is up"), ok)).isTrue();
    assertThat(passes(PlanCheck.bodyContains(null, "HTTP 404"), ok)).isFalse();
    assertThat(
            passes(
                PlanCheck.httpStatus(null, 200),
                call("http_fetch", ObservedCall.FAILED, "http_fetch refused: HTTP 200", null)))
        .isFalse();
  }

  @Test
  void commandAndChildChecksReadTheRecordedOutcome() {
    ObservedCall passed =
        call("shell", ObservedCall.OK, "exit code 3\nprinted by the command", "make");
    ObservedCall failed = call("shell", ObservedCall.FAILED, "exit code 2\nboom", "test");

    assertThat(passes(PlanCheck.commandExit("make", 0), passed)).isTrue();
    assertThat(passes(PlanCheck.commandExit("make", 3), passed)).isFalse();
    assertThat(passes(PlanCheck.commandExit("test", 2), passed, failed)).isTrue();
    assertThat(passes(PlanCheck.commandExit(null, 1), passed, failed)).isFalse();

    String id = "0b7d3c8e-8e0a-4a44-9f55-3a0f2d1c9e01";
    assertThat(
            passes(
                PlanCheck.childSucceeded(),
                call(
                    "spawn_subtask",
                    ObservedCall.OK,
                    "Child task " + id + " ended with status succeeded.\nSummary: ok",
                    null)))
        .isTrue();
    assertThat(
            passes(
                PlanCheck.childSucceeded(),
                call(
                    "spawn_subtask",
                    ObservedCall.FAILED,
                    "Child task "
                        + id
                        + " ended with status failed.\nSummary: ended with status succeeded.",
                    null)))
        .isFalse();
  }
}

package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ToolSafetyTests extends RunnerTest {

  @Test
  void workspacePathsCannotEscapeTheSandbox() throws Exception {
    Models m = models();
    Path outside = Files.createTempDirectory("outside");
    Files.writeString(outside.resolve("secret.txt"), "secret");
    var task = task("Peek", plan("Read files", "files were read"), options(m));
    Files.createDirectories(workspace(task));
    Files.createSymbolicLink(workspace(task).resolve("link"), outside);
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCalls(
                new Reply.Call("read_file", "{\"path\":\"../../etc/passwd\"}"),
                new Reply.Call("read_file", "{\"path\":\"" + outside.resolve("secret.txt") + "\"}"),
                new Reply.Call("read_file", "{\"path\":\"link/secret.txt\"}"),
                new Reply.Call("write_file", "{\"path\":\"link/planted.txt\",\"content\":\"x\"}"),
                new Reply.Call("write_file", "{\"path\":\"inside/ok.txt\",\"content\":\"ok\"}")),
            Reply.text("done")));
    MODELS.script(m.verifier(), Script.always(Reply.text("NO")));

    dispatch(task);
    REPORTS.awaitEnd(task.taskId());

    var calls = REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class).subList(0, 5);
    assertThat(calls.subList(0, 4))
        .allSatisfy(
            c -> {
              assertThat(c.error()).isTrue();
              assertThat(c.result()).doesNotContain("secret\n").isNotEqualTo("secret");
            });
    assertThat(calls.get(0).result()).contains("leaves the workspace");
    assertThat(calls.get(1).result()).contains("absolute paths are not allowed");
    assertThat(calls.get(2).result()).contains("through a link");
    assertThat(calls.get(3).result()).contains("through a link");
    assertThat(outside.resolve("planted.txt")).doesNotExist();
    assertThat(calls.get(4).error()).isFalse();
    assertThat(workspace(task).resolve("inside/ok.txt")).hasContent("ok");
  }

  @Test
  void httpFetchRefusesLoopbackPrivateAndMetadataAddressesUnlessAllowListed() {
    Models m = models();
    String port = MODELS.baseUrl().substring(MODELS.baseUrl().lastIndexOf(':') + 1);
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCalls(
                new Reply.Call("http_fetch", "{\"url\":\"http://localhost:" + port + "/\"}"),
                new Reply.Call(
                    "http_fetch", "{\"url\":\"http://169.254.169.254/latest/meta-data/\"}"),
                new Reply.Call("http_fetch", "{\"url\":\"http://10.1.2.3/\"}"),
                new Reply.Call("http_fetch", "{\"url\":\"http://[::1]:" + port + "/\"}"),
                new Reply.Call("http_fetch", "{\"url\":\"file:///etc/passwd\"}"),
                new Reply.Call("http_fetch", "{\"url\":\"http://127.0.0.1:" + port + "/\"}")),
            Reply.text("done")));
    MODELS.script(m.verifier(), Script.always(Reply.text("NO")));
    var task =
        task(
            "Fetch",
            plan("Fetch pages", "pages fetched"),
            options(m, List.of("http_fetch"), null, null));

    dispatch(task);
    REPORTS.awaitEnd(task.taskId());

    var calls = REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class).subList(0, 6);
    assertThat(calls.get(0).result()).contains("refused").contains("loopback");
    assertThat(calls.get(1).result()).contains("refused").contains("link-local");
    assertThat(calls.get(2).result()).contains("refused").contains("private");
    assertThat(calls.get(3).result()).contains("refused").contains("loopback");
    assertThat(calls.get(4).result()).contains("only http and https");
    assertThat(calls.subList(0, 5)).allSatisfy(c -> assertThat(c.error()).isTrue());
    assertThat(calls.get(5).error()).isFalse();
    assertThat(calls.get(5).result()).isEqualTo("HTTP 200\nscripted model server");
  }

  @Test
  void theShellIsOffByDefaultAndToolsOutsideTheTaskAllowListAreRefused() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCalls(
                new Reply.Call("shell", "{\"command\":\"ls\"}"),
                new Reply.Call("write_file", "{\"path\":\"a.txt\",\"content\":\"a\"}")),
            Reply.text("done")));
    MODELS.script(m.verifier(), Script.always(Reply.text("NO")));
    var task =
        task(
            "Run", plan("Run ls", "ls ran"), options(m, List.of("shell", "read_file"), null, null));

    dispatch(task);
    REPORTS.awaitEnd(task.taskId());

    var calls = REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class);
    assertThat(calls.get(0).result()).startsWith("Unknown or not allowed tool 'shell'");
    assertThat(calls.get(1).result()).startsWith("Unknown or not allowed tool 'write_file'");
    assertThat(MODELS.requests(m.executor()).getFirst().tools()).containsExactly("read_file");
    assertThat(workspace(task).resolve("a.txt")).doesNotExist();
    assertThat(UUID.fromString(task.taskId().toString())).isEqualTo(task.taskId());
  }

  @Test
  void requestAssistanceHandsTheModelsQuestionToTheOperator() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall(
                "request_assistance", "{\"question\":\"Which API key should I use?\"}")));
    var task = task("Call the API", plan("Call it", "it answered"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.NeedsAssistance.class,
            help ->
                assertThat(help.reason())
                    .isEqualTo("The model asked for assistance: Which API key should I use?"));
  }
}

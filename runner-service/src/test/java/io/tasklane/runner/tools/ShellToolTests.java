package io.tasklane.runner.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.runner.RunnerProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The shell tool's process: environment, working directory and what a timeout leaves behind. */
class ShellToolTests {

  @TempDir Path workspace;

  private static ShellTool shell(String timeout) {
    RunnerProperties properties =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of(
                        "tasklane.runner.runner-id", "shell-test",
                        "tasklane.runner.tools.shell.enabled", "true",
                        "tasklane.runner.tools.shell.allowed-commands", "sh",
                        "tasklane.runner.tools.shell.timeout", timeout)))
            .bind("tasklane.runner", RunnerProperties.class)
            .get();
    return new ShellTool(properties);
  }

  private ToolScope scope() {
    return new ToolScope(null, 0, workspace, process -> {}, new CompletableFuture<>());
  }

  @Test
  void aCommandSeesOnlyTheAllowListedEnvironmentAndRunsInTheWorkspace() throws Exception {
    ToolResult result =
        shell("10s").run(Map.of("command", "sh", "args", List.of("-c", "env; pwd")), scope());

    assertThat(result.error()).as(result.output()).isFalse();
    assertThat(result.output())
        .contains("PATH=", "HOME=" + workspace, workspace.toString())
        .doesNotContain("JAVA_HOME=")
        .doesNotContain("TASKLANE_");
    assertThat(System.getenv()).containsKey("JAVA_HOME");
  }

  @Test
  void aTimeoutKillsTheWholeProcessGroupEvenADoubleForkedChild() throws Exception {
    ToolResult result =
        shell("1s")
            .run(
                Map.of(
                    "command",
                    "sh",
                    "args",
                    List.of("-c", "( sleep 300 & echo $! > grandchild.pid ); sleep 300")),
                scope());

    assertThat(result.error()).isTrue();
    assertThat(result.output()).contains("did not finish");
    long pid = Long.parseLong(Files.readString(workspace.resolve("grandchild.pid")).trim());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("the re-parented grandchild is gone")
        .isFalse();
  }
}

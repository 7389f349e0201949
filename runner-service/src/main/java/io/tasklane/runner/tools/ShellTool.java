package io.tasklane.runner.tools;

import io.tasklane.runner.RunnerProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Runs an allow-listed executable in the task workspace, without a shell in between, with a
 * timeout, in an empty environment plus an allow-list, as the leader of its own process group
 * (killed whole on timeout and cancel); output (stdout and stderr together) is captured and
 * truncated. Offered only when enabled for the runner and allowed for the task.
 */
@Component
class ShellTool implements Tool {

  private final RunnerProperties.Shell settings;

  ShellTool(RunnerProperties properties) {
    this.settings = properties.tools().shell();
  }

  @Override
  public String name() {
    return "shell";
  }

  @Override
  public String description() {
    return "Run an allowed command in the task workspace. Allowed commands: "
        + String.join(", ", settings.allowedCommands());
  }

  @Override
  public String parametersSchema() {
    return """
        {"type":"object","properties":{"command":{"type":"string"},"args":{"type":"array","items":{"type":"string"}}},"required":["command"]}""";
  }

  @Override
  public ToolResult run(Map<String, Object> arguments, ToolScope scope)
      throws InterruptedException {
    if (!(arguments.get("command") instanceof String command) || command.isBlank()) {
      return ToolResult.error("shell needs a string 'command'.");
    }
    if (!settings.allowedCommands().contains(command)) {
      return ToolResult.error("shell refused: '" + command + "' is not an allowed command.");
    }
    List<String> commandLine = new ArrayList<>();
    commandLine.add(command);
    if (arguments.get("args") instanceof List<?> args) {
      args.forEach(a -> commandLine.add(String.valueOf(a)));
    }
    Process process;
    try {
      java.nio.file.Files.createDirectories(scope.workspace());
      ProcessBuilder builder =
          new ProcessBuilder(ProcessGroups.inOwnGroup(commandLine))
              .directory(scope.workspace().toFile())
              .redirectErrorStream(true);
      environment(builder.environment(), scope);
      process = builder.start();
    } catch (IOException e) {
      return ToolResult.error("shell could not start '" + command + "': " + e.getMessage());
    }
    scope.processStarted().accept(process);
    StringBuilder output = new StringBuilder();
    try {
      process.getOutputStream().close();
      Thread reader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), output));
      boolean exited = process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        kill(process);
        reader.join(1000);
        return ToolResult.error(
            "shell: '"
                + command
                + "' did not finish within "
                + settings.timeout()
                + "\n"
                + text(output));
      }
      reader.join(1000);
      return process.exitValue() == 0
          ? ToolResult.ok(text(output))
          : ToolResult.error("exit code " + process.exitValue() + "\n" + text(output));
    } catch (IOException e) {
      kill(process);
      return ToolResult.error("shell failed: " + e.getMessage());
    } catch (InterruptedException e) {
      kill(process);
      throw e;
    }
  }

  private static String text(StringBuilder output) {
    synchronized (output) {
      return output.toString();
    }
  }

  private void drain(InputStream in, StringBuilder sink) {
    try (in) {
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (sink) {
          if (sink.length() < settings.maxOutputChars()) {
            sink.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            if (sink.length() >= settings.maxOutputChars()) {
              sink.setLength(settings.maxOutputChars());
              sink.append("\n[output truncated]");
            }
          }
        }
      }
    } catch (IOException ignored) {
      // the process was killed; what was read so far is kept
    }
  }

  /**
   * An empty environment plus the allow-listed names taken from the runner's own, so no model key
   * or other secret reaches the command; {@code HOME} and {@code TMPDIR} are the workspace.
   */
  private void environment(Map<String, String> environment, ToolScope scope) {
    Map<String, String> inherited = Map.copyOf(environment);
    environment.clear();
    for (String name : settings.environment()) {
      String value = inherited.get(name);
      if (value != null) {
        environment.put(name, value);
      }
    }
    environment.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    environment.put("HOME", scope.workspace().toString());
    environment.put("TMPDIR", scope.workspace().toString());
  }

  static void kill(Process process) {
    ProcessGroups.kill(process);
  }
}

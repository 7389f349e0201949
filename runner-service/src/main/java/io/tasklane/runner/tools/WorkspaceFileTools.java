package io.tasklane.runner.tools;

import io.tasklane.runner.RunnerProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** read_file, write_file and list_files, confined to the task's workspace. */
@Configuration(proxyBeanMethods = false)
class WorkspaceFileTools {

  @Bean
  Tool readFileTool(RunnerProperties properties) {
    int limit = properties.tools().maxFileBytes();
    return new FileTool(
        "read_file",
        "Read a UTF-8 text file from the task workspace.",
        """
        {"type":"object","properties":{"path":{"type":"string","description":"Path relative to the workspace"}},"required":["path"]}""",
        (args, scope) -> {
          Path file = Sandbox.resolve(scope.workspace(), string(args, "path"));
          if (!Files.isRegularFile(file)) {
            return ToolResult.error("No such file: " + string(args, "path"));
          }
          byte[] bytes = Files.readAllBytes(file);
          String text = new String(bytes, 0, Math.min(bytes.length, limit), StandardCharsets.UTF_8);
          return ToolResult.ok(
              bytes.length > limit ? text + "\n[truncated at " + limit + " bytes]" : text);
        });
  }

  @Bean
  Tool writeFileTool(RunnerProperties properties) {
    int limit = properties.tools().maxFileBytes();
    return new FileTool(
        "write_file",
        "Write (create or replace) a UTF-8 text file in the task workspace.",
        """
        {"type":"object","properties":{"path":{"type":"string","description":"Path relative to the workspace"},"content":{"type":"string"}},"required":["path","content"]}""",
        (args, scope) -> {
          Path file = Sandbox.resolve(scope.workspace(), string(args, "path"));
          Object content = args.get("content");
          if (!(content instanceof String text)) {
            return ToolResult.error("write_file needs a string 'content'.");
          }
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          if (bytes.length > limit) {
            return ToolResult.error("Content is larger than the limit of " + limit + " bytes.");
          }
          Files.createDirectories(file.getParent());
          // checked again: a directory created above could be a link planted meanwhile
          Sandbox.resolve(scope.workspace(), string(args, "path"));
          Files.write(file, bytes);
          return ToolResult.ok("Wrote " + bytes.length + " bytes to " + string(args, "path"));
        });
  }

  @Bean
  Tool listFilesTool() {
    return new FileTool(
        "list_files",
        "List the files under a directory of the task workspace.",
        """
        {"type":"object","properties":{"path":{"type":"string","description":"Directory relative to the workspace; empty for the root"}}}""",
        (args, scope) -> {
          Path dir =
              Sandbox.resolve(
                  scope.workspace(), args.containsKey("path") ? string(args, "path") : ".");
          if (!Files.isDirectory(dir)) {
            return ToolResult.error("No such directory: " + args.get("path"));
          }
          Path root = scope.workspace().toRealPath();
          try (Stream<Path> files = Files.walk(dir, 4)) {
            String listing =
                files
                    .filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .limit(500)
                    .collect(Collectors.joining("\n"));
            return ToolResult.ok(listing.isEmpty() ? "(no files)" : listing);
          }
        });
  }

  private static String string(Map<String, Object> args, String name) throws IOException {
    if (!(args.get(name) instanceof String value)) {
      throw new IOException("'" + name + "' must be a string");
    }
    return value;
  }

  @FunctionalInterface
  interface FileAction {
    ToolResult apply(Map<String, Object> args, ToolScope scope) throws IOException;
  }

  record FileTool(String name, String description, String parametersSchema, FileAction action)
      implements Tool {

    @Override
    public ToolResult run(Map<String, Object> arguments, ToolScope scope) {
      try {
        return action.apply(arguments, scope);
      } catch (IOException e) {
        return ToolResult.error(name + " refused: " + e.getMessage());
      } catch (InvalidPathException e) {
        return ToolResult.error(name + " refused: the path is not a valid file name");
      }
    }
  }
}

package io.tasklane.runner.tools;

import io.tasklane.runner.RunnerProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.stereotype.Component;

/** Every tool the runner has; picks the ones a task may use. */
@Component
public class Toolbox {

  private final Map<String, Tool> tools = new LinkedHashMap<>();
  private final RunnerProperties.Tools settings;

  Toolbox(List<Tool> tools, RunnerProperties properties) {
    tools.forEach(t -> this.tools.put(t.name(), t));
    this.settings = properties.tools();
  }

  /**
   * The tools for a task: those it allows (or the runner's default list when it allows none by
   * name). The shell exists only when enabled for the runner.
   */
  public TaskTools forTask(List<String> toolsAllowed) {
    List<String> wanted = toolsAllowed == null ? settings.defaultAllowed() : toolsAllowed;
    Map<String, Tool> selected = new LinkedHashMap<>();
    for (String name : wanted) {
      Tool tool = tools.get(name);
      if (tool != null && (!name.equals("shell") || settings.shell().enabled())) {
        selected.put(name, tool);
      }
    }
    return new TaskTools(selected);
  }

  /** The tools one task may use. */
  public static final class TaskTools {

    private final Map<String, Tool> tools;
    private final List<ToolCallback> offered;

    TaskTools(Map<String, Tool> tools) {
      this.tools = Map.copyOf(tools);
      this.offered = tools.values().stream().<ToolCallback>map(OfferedTool::new).toList();
    }

    /** The tool definitions to offer the model. */
    public List<ToolCallback> offered() {
      return offered;
    }

    public ToolResult run(String name, Map<String, Object> arguments, ToolScope scope)
        throws InterruptedException {
      Tool tool = tools.get(name);
      if (tool == null) {
        return ToolResult.error(
            "Unknown or not allowed tool '"
                + name
                + "'. Available: "
                + String.join(", ", tools.keySet()));
      }
      try {
        return tool.run(arguments, scope);
      } catch (AssistanceRequestedException question) {
        throw question;
      } catch (RuntimeException e) {
        // a tool that trips over arguments of the wrong shape answers an error; the task goes on
        return ToolResult.error(
            name + " could not use these arguments (" + e.getClass().getSimpleName() + ")");
      }
    }

    /** True when the task may use a tool of this name. */
    public boolean has(String name) {
      return tools.containsKey(name);
    }
  }

  /**
   * A tool as the chat model sees it. Calls never come back through here: the runner reads the
   * model's tool calls and runs them itself, with its guards.
   */
  private record OfferedTool(Tool tool) implements ToolCallback {

    @Override
    public ToolDefinition getToolDefinition() {
      return ToolDefinition.builder()
          .name(tool.name())
          .description(tool.description())
          .inputSchema(tool.parametersSchema())
          .build();
    }

    @Override
    public String call(String toolInput) {
      throw new UnsupportedOperationException(
          "Tool calls are executed by the runner's agent loop, not by the chat model");
    }
  }
}

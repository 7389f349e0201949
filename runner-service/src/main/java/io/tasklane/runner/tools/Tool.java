package io.tasklane.runner.tools;

import java.util.Map;

/** Something the model can ask the runner to do. The runner, never the model client, runs it. */
public interface Tool {

  String name();

  String description();

  /** The JSON schema of the arguments object. */
  String parametersSchema();

  /**
   * Runs the tool. Refusals and failures are results with {@code error = true}, so the model learns
   * why; only interruption (cancel) escapes.
   */
  ToolResult run(Map<String, Object> arguments, ToolScope scope) throws InterruptedException;
}

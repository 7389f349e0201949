package io.tasklane.runner.tools;

/** What a tool call produced; an error result says why the call failed or was refused. */
public record ToolResult(String output, boolean error) {

  public static ToolResult ok(String output) {
    return new ToolResult(output, false);
  }

  public static ToolResult error(String why) {
    return new ToolResult(why, true);
  }
}

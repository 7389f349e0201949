package io.tasklane.contracts;

import java.util.List;

/**
 * The tools a runner can offer a task, by the names {@link ModelOptions#toolsAllowed()} uses. The
 * ledger refuses any other name, so a misspelt tool is an error at creation, not a task that
 * silently runs without it.
 */
public final class ToolNames {

  public static final String READ_FILE = "read_file";
  public static final String WRITE_FILE = "write_file";
  public static final String LIST_FILES = "list_files";
  public static final String REQUEST_ASSISTANCE = "request_assistance";
  public static final String HTTP_FETCH = "http_fetch";
  public static final String SHELL = "shell";
  public static final String SPAWN_SUBTASK = "spawn_subtask";

  /** Every tool name, in the order they are listed to clients. */
  public static final List<String> ALL =
      List.of(
          READ_FILE, WRITE_FILE, LIST_FILES, REQUEST_ASSISTANCE, HTTP_FETCH, SHELL, SPAWN_SUBTASK);

  private ToolNames() {}
}

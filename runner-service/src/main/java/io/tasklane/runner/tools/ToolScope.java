package io.tasklane.runner.tools;

import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The task a tool call runs for.
 *
 * @param workspace the task's sandbox directory
 * @param processStarted told about every subprocess, so a cancel can kill it
 */
public record ToolScope(UUID taskId, Path workspace, Consumer<Process> processStarted) {}

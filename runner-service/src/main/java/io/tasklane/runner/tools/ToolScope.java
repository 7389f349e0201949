package io.tasklane.runner.tools;

import io.tasklane.contracts.TaskClaim;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The task a tool call runs for.
 *
 * @param task the claimed task
 * @param step the index of the plan step the call belongs to
 * @param workspace the task's sandbox directory
 * @param processStarted told about every subprocess, so a cancel can kill it
 * @param pauseRequested completes when an operator pauses the task, so a long wait can end early
 */
public record ToolScope(
    TaskClaim.Granted task,
    int step,
    Path workspace,
    Consumer<Process> processStarted,
    CompletionStage<String> pauseRequested) {}

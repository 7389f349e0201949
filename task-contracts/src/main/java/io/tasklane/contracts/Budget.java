package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Limits on what one task may spend across all its attempts ({@code modelOptions.budget}); a null
 * field means no limit. Reaching one stops the task at a safe point in {@code needs_assistance}.
 *
 * @param tokens prompt plus completion tokens of every model call
 * @param modelCalls model calls of every role (planner, executor, verifier)
 * @param toolCalls tool calls the runner executed
 * @param wallSeconds time spent running, summed over attempts
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Budget(Long tokens, Integer modelCalls, Integer toolCalls, Integer wallSeconds) {

  /**
   * The status reason of a task that reached one of its limits, followed by {@code :} and the
   * limit's name ({@code tokens}, {@code model_calls}, {@code tool_calls}, {@code wall_seconds}).
   */
  public static final String REASON = "budget_exhausted";
}

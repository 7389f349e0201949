package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a task has spent so far, summed over its attempts; carried in its resume context.
 *
 * @param tokens prompt plus completion tokens the models reported
 * @param modelCalls model calls of every role
 * @param toolCalls tool calls executed
 * @param wallMillis time spent running
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Usage(long tokens, int modelCalls, int toolCalls, long wallMillis) {

  public static Usage none() {
    return new Usage(0, 0, 0, 0);
  }
}

package io.tasklane.runner.model;

import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage.ToolCall;

/**
 * What the model answered: text, tool calls, or both.
 *
 * @param tokens prompt plus completion tokens the model server reported for the call (0 when it
 *     reported none)
 */
public record ModelReply(String text, List<ToolCall> toolCalls, long tokens) {

  public ModelReply {
    text = text == null ? "" : text;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public ModelReply(String text, List<ToolCall> toolCalls) {
    this(text, toolCalls, 0);
  }

  public boolean hasToolCalls() {
    return !toolCalls.isEmpty();
  }
}

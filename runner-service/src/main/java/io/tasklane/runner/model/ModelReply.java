package io.tasklane.runner.model;

import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage.ToolCall;

/** What the model answered: text, tool calls, or both. */
public record ModelReply(String text, List<ToolCall> toolCalls) {

  public ModelReply {
    text = text == null ? "" : text;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public boolean hasToolCalls() {
    return !toolCalls.isEmpty();
  }
}

package io.tasklane.runner.agent;

import io.tasklane.contracts.ConversationMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * A task's whole conversation, kept in the wire shape so it can travel in a resume context, and
 * turned into chat messages for each round. A tool call is one assistant message with the call's
 * name, id and raw arguments; its result is one tool message with the same id.
 */
final class Conversation {

  private final List<ConversationMessage> messages;

  Conversation(List<ConversationMessage> resumed) {
    this.messages = new ArrayList<>(resumed);
  }

  void user(String text) {
    messages.add(ConversationMessage.of("user", text));
  }

  void assistant(String text) {
    messages.add(ConversationMessage.of("assistant", text));
  }

  void toolCall(String callId, String tool, String arguments) {
    messages.add(new ConversationMessage("assistant", arguments, tool, callId));
  }

  void toolResult(String callId, String tool, String result) {
    messages.add(new ConversationMessage("tool", result, tool, callId));
  }

  /**
   * Adds the result of an earlier call with the results of its reply, before anything said after
   * that reply (an operator's message on resume), so the call and its result stay together; at the
   * end when the call is not in the conversation.
   */
  void lateToolResult(String callId, String tool, String result) {
    int at = messages.size();
    for (int i = 0; i < messages.size(); i++) {
      ConversationMessage m = messages.get(i);
      if ("assistant".equals(m.role()) && m.toolName() != null && callId.equals(m.toolCallId())) {
        at = i + 1;
        while (at < messages.size()
            && ("tool".equals(messages.get(at).role())
                || ("assistant".equals(messages.get(at).role())
                    && messages.get(at).toolName() != null))) {
          at++;
        }
        break;
      }
    }
    messages.add(at, new ConversationMessage("tool", result, tool, callId));
  }

  /** Whether the call with this id has its result in the conversation. */
  boolean answered(String callId) {
    return messages.stream()
        .anyMatch(m -> "tool".equals(m.role()) && callId != null && callId.equals(m.toolCallId()));
  }

  List<ConversationMessage> snapshot() {
    return List.copyOf(messages);
  }

  /**
   * The conversation with every message shortened to {@code messageChars} and, when it is still
   * longer than {@code totalChars}, only the first message (the task) and the newest ones that fit.
   */
  List<ConversationMessage> bounded(int messageChars, int totalChars) {
    List<ConversationMessage> shortened = new ArrayList<>(messages.size());
    for (ConversationMessage m : messages) {
      String content = m.content();
      if (content != null && content.length() > messageChars) {
        content =
            content.substring(0, messageChars)
                + "\n[shortened by the runner: "
                + content.length()
                + " characters in all]";
      }
      shortened.add(new ConversationMessage(m.role(), content, m.toolName(), m.toolCallId()));
    }
    int total = 0;
    int from = shortened.size();
    while (from > 1) {
      ConversationMessage m = shortened.get(from - 1);
      int size = m.content() == null ? 0 : m.content().length();
      if (total + size > totalChars) {
        break;
      }
      total += size;
      from--;
    }
    if (from <= 1) {
      return List.copyOf(shortened);
    }
    List<ConversationMessage> kept = new ArrayList<>();
    kept.add(shortened.getFirst());
    // a tool result without its call cannot be replayed: start at a message that is not one
    while (from < shortened.size() && "tool".equals(shortened.get(from).role())) {
      from++;
    }
    kept.addAll(shortened.subList(from, shortened.size()));
    return List.copyOf(kept);
  }

  int size() {
    return messages.size();
  }

  /**
   * The chat messages for a round. Calls whose arguments are not a JSON object cannot be replayed
   * as tool calls, so they and their results are replayed as plain text: the model still sees what
   * it sent and why it failed.
   */
  List<Message> toPrompt(String system, Predicate<String> validArguments) {
    List<Message> prompt = new ArrayList<>();
    prompt.add(new SystemMessage(system));
    Set<String> replayedAsText = new HashSet<>();
    StringBuilder assistantText = null;
    List<AssistantMessage.ToolCall> calls = new ArrayList<>();
    List<ToolResponseMessage.ToolResponse> results = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (ConversationMessage m : messages) {
      boolean toolCall = "assistant".equals(m.role()) && m.toolName() != null;
      boolean toolResult = "tool".equals(m.role());
      if (toolCall && assistantText != null && results.isEmpty() && notes.isEmpty()) {
        if (validArguments.test(m.content())) {
          calls.add(
              new AssistantMessage.ToolCall(m.toolCallId(), "function", m.toolName(), m.content()));
        } else {
          replayedAsText.add(m.toolCallId());
          assistantText
              .append("\n[called ")
              .append(m.toolName())
              .append(" with arguments: ")
              .append(m.content())
              .append(']');
        }
        continue;
      }
      if (toolResult && assistantText != null) {
        if (replayedAsText.contains(m.toolCallId())) {
          notes.add("Result of " + m.toolName() + ": " + m.content());
        } else {
          results.add(
              new ToolResponseMessage.ToolResponse(m.toolCallId(), m.toolName(), m.content()));
        }
        continue;
      }
      flush(prompt, assistantText, calls, results, notes);
      assistantText = null;
      switch (m.role()) {
        case "assistant" -> {
          assistantText = new StringBuilder(m.toolName() == null ? nullToEmpty(m.content()) : "");
          if (m.toolName() != null) {
            if (validArguments.test(m.content())) {
              calls.add(
                  new AssistantMessage.ToolCall(
                      m.toolCallId(), "function", m.toolName(), m.content()));
            } else {
              replayedAsText.add(m.toolCallId());
              assistantText
                  .append("[called ")
                  .append(m.toolName())
                  .append(" with arguments: ")
                  .append(m.content())
                  .append(']');
            }
          }
        }
        case "system" -> prompt.add(new SystemMessage(nullToEmpty(m.content())));
        default -> prompt.add(new UserMessage(nullToEmpty(m.content())));
      }
    }
    flush(prompt, assistantText, calls, results, notes);
    return prompt;
  }

  private static void flush(
      List<Message> prompt,
      StringBuilder assistantText,
      List<AssistantMessage.ToolCall> calls,
      List<ToolResponseMessage.ToolResponse> results,
      List<String> notes) {
    if (assistantText != null) {
      prompt.add(
          AssistantMessage.builder()
              .content(assistantText.toString())
              .toolCalls(List.copyOf(calls))
              .build());
      if (!results.isEmpty()) {
        prompt.add(ToolResponseMessage.builder().responses(List.copyOf(results)).build());
      }
      if (!notes.isEmpty()) {
        prompt.add(new UserMessage(String.join("\n", notes)));
      }
    }
    calls.clear();
    results.clear();
    notes.clear();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}

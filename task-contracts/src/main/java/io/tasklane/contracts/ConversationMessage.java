package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One message of an agent conversation, kept whole so a run can resume where it stopped.
 *
 * @param role system, user, assistant or tool
 * @param content the text
 * @param toolName for tool messages and assistant tool calls, the tool
 * @param toolCallId the id that pairs a tool result with its call
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConversationMessage(String role, String content, String toolName, String toolCallId) {

  public static ConversationMessage of(String role, String content) {
    return new ConversationMessage(role, content, null, null);
  }
}

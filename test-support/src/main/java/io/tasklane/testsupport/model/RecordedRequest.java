package io.tasklane.testsupport.model;

import java.util.List;
import java.util.stream.Collectors;

/** A chat request the scripted server received, normalised across the OpenAI and Ollama formats. */
public final class RecordedRequest {

  public enum WireFormat {
    OPENAI,
    OLLAMA
  }

  /**
   * One message of the request.
   *
   * @param toolCalls for assistant messages, each call as {@code name(arguments)}
   * @param toolCallId for tool results, the call they answer
   */
  public record Message(String role, String content, List<String> toolCalls, String toolCallId) {}

  private final WireFormat format;
  private final String model;
  private final List<Message> messages;
  private final List<String> tools;
  private final String body;
  private final long receivedNanos = System.nanoTime();
  private volatile long completedNanos;
  private volatile boolean aborted;

  RecordedRequest(
      WireFormat format, String model, List<Message> messages, List<String> tools, String body) {
    this.format = format;
    this.model = model;
    this.messages = List.copyOf(messages);
    this.tools = List.copyOf(tools);
    this.body = body;
  }

  public WireFormat format() {
    return format;
  }

  public String model() {
    return model;
  }

  public List<Message> messages() {
    return messages;
  }

  /** The names of the tools offered to the model. */
  public List<String> tools() {
    return tools;
  }

  /** The raw JSON body. */
  public String body() {
    return body;
  }

  public long receivedNanos() {
    return receivedNanos;
  }

  /** When the server finished with the request, or 0 while it is still in flight. */
  public long completedNanos() {
    return completedNanos;
  }

  /** True when the client closed the connection before the server answered. */
  public boolean aborted() {
    return aborted;
  }

  void markAborted() {
    aborted = true;
  }

  void markCompleted() {
    completedNanos = System.nanoTime();
  }

  /** Every message's content and tool calls as one text, for "did the model see X" checks. */
  public String transcript() {
    return messages.stream()
        .map(m -> m.role() + ": " + m.content() + " " + String.join(" ", m.toolCalls()))
        .collect(Collectors.joining("\n"));
  }

  /** The content of the last message with the given role, or null. */
  public String last(String role) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role().equals(role)) {
        return messages.get(i).content();
      }
    }
    return null;
  }
}

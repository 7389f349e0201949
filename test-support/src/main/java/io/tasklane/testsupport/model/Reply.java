package io.tasklane.testsupport.model;

import java.time.Duration;
import java.util.List;

/** One answer of the scripted model: what a good model says, or one way a small model fails. */
public sealed interface Reply {

  /** A plain assistant message without tool calls (a "done" claim, an answer, a verdict). */
  static Reply text(String content) {
    return new Text(content);
  }

  /** An assistant message with no content and no tool calls. */
  static Reply empty() {
    return new Text("");
  }

  /** One tool call whose arguments are sent exactly as given, valid JSON or not. */
  static Reply toolCall(String tool, String arguments) {
    return new ToolCalls("", List.of(new Call(tool, arguments)));
  }

  /** Several tool calls in one assistant message. */
  static Reply toolCalls(Call... calls) {
    return new ToolCalls("", List.of(calls));
  }

  /** An HTTP error such as 500, 503 or 400, with an error body in the wire format. */
  static Reply status(int code) {
    return new Status(code, "scripted " + code);
  }

  /**
   * An HTTP error with {@code message} as the error's text, as llama.cpp's server answers 500 "The
   * model produced output that does not match the expected ... format" for broken tool-call syntax.
   */
  static Reply status(int code, String message) {
    return new Status(code, message);
  }

  /**
   * Accepts the request and never answers until the client gives up (or {@code atMost} passes). The
   * server notices when the client aborts, see {@link RecordedRequest#aborted()}.
   */
  static Reply hang(Duration atMost) {
    return new Hang(atMost);
  }

  static Reply hang() {
    return new Hang(Duration.ofSeconds(60));
  }

  /** Answers with {@code reply} after {@code delay}, as a model that takes its time. */
  static Reply after(Duration delay, Reply reply) {
    return new Delayed(delay, reply);
  }

  record Call(String tool, String arguments) {}

  record Text(String content) implements Reply {}

  record ToolCalls(String content, List<Call> calls) implements Reply {}

  record Status(int code, String message) implements Reply {
    public Status(int code) {
      this(code, "scripted " + code);
    }
  }

  record Hang(Duration atMost) implements Reply {}

  record Delayed(Duration delay, Reply reply) implements Reply {}
}

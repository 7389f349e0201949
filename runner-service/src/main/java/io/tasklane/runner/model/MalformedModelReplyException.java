package io.tasklane.runner.model;

/**
 * The model answered, but its answer could not be read: llama.cpp's server refusing broken
 * tool-call syntax, or an Ollama reply whose tool-call arguments are a string instead of an object.
 * A clumsy round, not an unreachable model: it is told to the model and counts against the step.
 */
public class MalformedModelReplyException extends RuntimeException {

  public MalformedModelReplyException(String message, Throwable cause) {
    super(message, cause);
  }
}

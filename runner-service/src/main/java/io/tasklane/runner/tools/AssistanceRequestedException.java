package io.tasklane.runner.tools;

/** The model asked for an operator: the task goes to needs_assistance with its question. */
public class AssistanceRequestedException extends RuntimeException {

  public AssistanceRequestedException(String question) {
    super(question);
  }
}

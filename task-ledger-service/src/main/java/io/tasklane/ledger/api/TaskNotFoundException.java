package io.tasklane.ledger.api;

/** No task answers to this id or lookup for the caller's tenant. */
public class TaskNotFoundException extends RuntimeException {

  public TaskNotFoundException(String lookup) {
    super("No task found for '" + lookup + "'");
  }
}

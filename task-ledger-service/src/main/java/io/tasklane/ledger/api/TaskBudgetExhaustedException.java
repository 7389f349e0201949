package io.tasklane.ledger.api;

/**
 * A resume refused because the task's own budget stopped it (409): the budget holds over all
 * attempts, so another attempt would stop again at once.
 */
public class TaskBudgetExhaustedException extends RuntimeException {

  private final String limit;

  public TaskBudgetExhaustedException(String limit) {
    super(
        ("The task stopped because it used up its %s budget, which counts over all attempts, so it"
                + " cannot be resumed; cancel it, or create a new task with a larger budget")
            .formatted(limit));
    this.limit = limit;
  }

  public String limit() {
    return limit;
  }
}

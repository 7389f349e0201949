package io.tasklane.ledger.budgets;

import io.tasklane.contracts.Budget;
import io.tasklane.contracts.ModelOptions;
import io.tasklane.ledger.api.TaskBudgetExhaustedException;
import java.util.Optional;

/** The rules for a task's own budget ({@code modelOptions.budget}). */
public final class TaskBudgets {

  private TaskBudgets() {}

  /** What is wrong with a budget's limits: the field and why. */
  public record Problem(String field, String message) {}

  /**
   * A limit that is zero or negative, or empty when every limit is positive or absent; {@code
   * field} is where the model options are in the request.
   */
  public static Optional<Problem> problem(ModelOptions options, String field) {
    Budget budget = options == null ? null : options.budget();
    if (budget == null) {
      return Optional.empty();
    }
    return positive(budget.tokens(), field + ".budget.tokens")
        .or(() -> positive(budget.modelCalls(), field + ".budget.modelCalls"))
        .or(() -> positive(budget.toolCalls(), field + ".budget.toolCalls"))
        .or(() -> positive(budget.wallSeconds(), field + ".budget.wallSeconds"));
  }

  /**
   * Refuses to resume a task its own budget stopped.
   *
   * @throws TaskBudgetExhaustedException when the task's status reason says its budget stopped it
   */
  public static void checkResumable(String statusReason) {
    if (statusReason != null && statusReason.startsWith(Budget.REASON + ":")) {
      throw new TaskBudgetExhaustedException(statusReason.substring(Budget.REASON.length() + 1));
    }
  }

  private static Optional<Problem> positive(Number limit, String field) {
    if (limit == null || limit.longValue() > 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Problem(field, field + " must be positive (leave it out for no limit), got " + limit));
  }
}

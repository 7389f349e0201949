package io.tasklane.ledger.api;

/**
 * A create the tenant's daily budget refuses (429 with {@code Retry-After}): which budget, its
 * limit and what the day has used.
 */
public class BudgetExceededException extends RuntimeException {

  private final String budget;
  private final long limit;
  private final long used;
  private final long retryAfterSeconds;

  public BudgetExceededException(String budget, long limit, long used, long retryAfterSeconds) {
    super(
        "The tenant's %s budget is used up for today (%d of %d); it renews at midnight UTC, in %d s"
            .formatted(budget, used, limit, retryAfterSeconds),
        null,
        false,
        false);
    this.budget = budget;
    this.limit = limit;
    this.used = used;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public String budget() {
    return budget;
  }

  public long limit() {
    return limit;
  }

  public long used() {
    return used;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}

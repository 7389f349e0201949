package io.tasklane.ledger.recovery;

import io.tasklane.contracts.Executor;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.tasks.TaskRecovery;
import io.tasklane.ledger.tasks.TaskRecovery.Outcome;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * What becomes of a running task whose lease expired: the one recover-or-lose policy. An external
 * task is lost (nobody here can run it again); a runner task is queued again with attempt + 1 while
 * it has recoveries left, then lost. Maintenance asks {@link #preview} to plan and {@link #apply}
 * to carry the plan out; apply decides again under the task's row lock, with the same rule.
 */
@Service
public class LeaseExpiry {

  /** What the policy would do to one task, and why, in the words a maintenance report shows. */
  public record Verdict(boolean recover, String detail) {}

  private final TaskRecovery tasks;
  private final int maxRecoveries;

  LeaseExpiry(TaskRecovery tasks, LedgerProperties properties) {
    this.tasks = tasks;
    this.maxRecoveries = properties.recovery().maxRecoveries();
  }

  /**
   * The rule itself, for a task run by {@code executor} that was recovered {@code recoveries}
   * times.
   */
  public static Outcome decide(Executor executor, int recoveries, int maxRecoveries) {
    if (executor == Executor.EXTERNAL || recoveries >= maxRecoveries) {
      return Outcome.LOST;
    }
    return Outcome.RECOVERED;
  }

  /** What {@link #apply} would do to a task read as it is now. */
  public Verdict preview(Executor executor, int recoveries, Instant leaseExpiredAt) {
    String expired = "lease expired at " + leaseExpiredAt;
    if (decide(executor, recoveries, maxRecoveries) == Outcome.RECOVERED) {
      return new Verdict(
          true, "%s; recovery %d of %d".formatted(expired, recoveries + 1, maxRecoveries));
    }
    return new Verdict(
        false,
        executor == Executor.EXTERNAL
            ? expired + "; external executor"
            : "%s; all %d recoveries used".formatted(expired, recoveries));
  }

  /**
   * Recovers or loses the task when it is still running on a lease that expired before {@code
   * cutoff}; a task that heartbeated or ended since is left {@link Outcome#UNCHANGED}.
   */
  public Outcome apply(UUID taskId, Instant cutoff) {
    return tasks.reconcileExpiredLease(
        taskId, cutoff, (executor, recoveries) -> decide(executor, recoveries, maxRecoveries));
  }
}

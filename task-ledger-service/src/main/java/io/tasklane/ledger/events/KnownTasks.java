package io.tasklane.ledger.events;

import java.util.UUID;

/**
 * Whether a tenant has a task, asked before its event stream opens; the tasks feature answers, so
 * the event streams never reach into it.
 */
public interface KnownTasks {

  /** Throws the ledger's task-not-found refusal when {@code tenant} has no task {@code taskId}. */
  void require(String tenant, UUID taskId);
}

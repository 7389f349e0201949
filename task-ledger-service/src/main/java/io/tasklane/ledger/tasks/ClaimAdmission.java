package io.tasklane.ledger.tasks;

import io.tasklane.ledger.api.ClaimHeldException;
import java.util.UUID;

/**
 * What a claim asks before it starts a task: whether the task's tenant may start one now. The
 * tenant rules live with the tenant features; a claim only asks.
 */
public interface ClaimAdmission {

  /**
   * Whether any tenant has a limit at all; when none has, a claim asks nothing and costs nothing
   * more.
   */
  boolean mayHold();

  /**
   * In the claim's transaction, before {@code queued -> running}.
   *
   * @throws ClaimHeldException when the tenant may not start a task now
   */
  void admit(String tenant, UUID taskId);

  /**
   * After the refused claim's transaction has rolled back: keeps the task queued and held until its
   * tenant has room; returns the refusal to answer the runner with.
   */
  ClaimHeldException held(ClaimHeldException refusal, UUID taskId);
}

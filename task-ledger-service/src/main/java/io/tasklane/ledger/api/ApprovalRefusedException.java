package io.tasklane.ledger.api;

/**
 * A decision the ledger does not take: the request is not pending, or the caller may not decide.
 */
public class ApprovalRefusedException extends RuntimeException {

  /** Why the decision was refused. */
  public enum Kind {
    /** The task does not wait for this request (decided already, a newer one, or none). */
    NOT_PENDING,
    /** The request names its approvers, and the caller is not one of them. */
    NOT_AN_APPROVER
  }

  private final Kind kind;

  public ApprovalRefusedException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

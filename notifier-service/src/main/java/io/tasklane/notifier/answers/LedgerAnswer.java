package io.tasklane.notifier.answers;

/** What the ledger made of an operator's action. */
public sealed interface LedgerAnswer {

  /** Taken: the task's status afterwards. */
  record Done(String status) implements LedgerAnswer {}

  /** Refused with a problem ({@code status} 4xx); {@code detail} is the ledger's own words. */
  record Refused(int status, String detail) implements LedgerAnswer {}

  /** The ledger could not be reached or failed; nothing is known to have changed. */
  record Unavailable(String reason) implements LedgerAnswer {}
}

package io.tasklane.notifier.answers;

import java.util.Arrays;
import java.util.Optional;

/** What an operator can answer a task that waits for them with: each is one ledger action. */
public enum AnswerAction {
  APPROVE("approve"),
  DENY("deny"),
  RESUME("resume"),
  CANCEL("cancel");

  private final String wire;

  AnswerAction(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Whether the action decides an approval request, and so names its number. */
  public boolean decidesApproval() {
    return this == APPROVE || this == DENY;
  }

  public static Optional<AnswerAction> fromWire(String value) {
    return Arrays.stream(values()).filter(a -> a.wire.equalsIgnoreCase(value)).findFirst();
  }
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;

/** What decided a step's verdict. */
public enum VerdictSource implements WireEnum {
  /** The step's structured check, evaluated by the runner. */
  CHECK,
  /** The verifier model, judging the free-text done-when against observed evidence. */
  MODEL_JUDGED,
  /**
   * The runner without asking anyone: no tool call of the attempt succeeded, or the attempt ran out
   * of rounds.
   */
  RUNNER;

  @JsonCreator
  public static VerdictSource fromWire(String value) {
    return WireEnum.parse(VerdictSource.class, value);
  }
}

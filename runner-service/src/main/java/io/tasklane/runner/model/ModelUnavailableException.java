package io.tasklane.runner.model;

/**
 * A model round could not be completed: a client error (never retried) or transport errors until
 * the retries ran out.
 *
 * @see #timedOut()
 */
public class ModelUnavailableException extends RuntimeException {

  private final boolean timedOut;

  ModelUnavailableException(String message, boolean timedOut, Throwable cause) {
    super(message, cause);
    this.timedOut = timedOut;
  }

  /** True when the last failure was the round timeout. */
  public boolean timedOut() {
    return timedOut;
  }
}

package io.tasklane.runner.agent;

/** The run cannot go on safely without an operator; the message says why. */
class NeedsAssistanceException extends RuntimeException {

  NeedsAssistanceException(String reason) {
    super(reason, null, false, false);
  }
}

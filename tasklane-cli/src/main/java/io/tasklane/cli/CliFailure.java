package io.tasklane.cli;

/** A command that cannot do what was asked: one line for the operator and an exit status. */
public final class CliFailure extends RuntimeException {

  private final int exitCode;

  public CliFailure(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}

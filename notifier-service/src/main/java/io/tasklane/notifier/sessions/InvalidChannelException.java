package io.tasklane.notifier.sessions;

/** A channel registration that cannot be accepted; nothing was stored. */
public class InvalidChannelException extends RuntimeException {

  private final String field;

  public InvalidChannelException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}

package io.tasklane.ledger.api;

/** A request that is well-formed JSON but breaks a rule of the ledger. */
public class InvalidRequestException extends RuntimeException {

  private final String field;

  public InvalidRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}

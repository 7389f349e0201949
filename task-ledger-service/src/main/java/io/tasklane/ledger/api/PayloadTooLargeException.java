package io.tasklane.ledger.api;

import java.io.IOException;

/** The request body is larger than the ledger accepts. */
public class PayloadTooLargeException extends IOException {

  public PayloadTooLargeException(long limit) {
    super("The request body is larger than " + limit + " bytes");
  }
}

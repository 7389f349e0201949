package io.tasklane.ledger.api;

/** The tenant the gateway resolved for a request travels in this header. */
public final class Tenants {

  public static final String HEADER = "X-Tasklane-Tenant";

  private Tenants() {}
}

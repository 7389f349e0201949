package io.tasklane.ledger.api;

import java.util.Map;

/**
 * A claim refused for now because the task's tenant is at a limit; the task stays queued and is
 * offered to the runners again when the tenant has room. A runner takes the 409 as "not mine" and
 * drops the dispatch.
 */
public class ClaimHeldException extends LedgerProblem {

  private final String tenant;
  private final String limit;

  public ClaimHeldException(String tenant, String limit, String detail) {
    super(Kind.CONFLICT, "claim-held", "Claim held", detail, Map.of("limit", limit));
    this.tenant = tenant;
    this.limit = limit;
  }

  public String tenant() {
    return tenant;
  }

  public String limit() {
    return limit;
  }
}

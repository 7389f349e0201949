package io.tasklane.testsupport;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.SignedIdentity.Identity;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The identity signature tests put on requests they send straight to a backend, as the gateway or a
 * runner would. {@link #KEY} is the {@code tasklane.identity.signing-key} of every module's test
 * configuration.
 */
public final class TestIdentity {

  public static final String KEY = "tasklane-test-identity-signing-key-not-secret";
  public static final SignedIdentity SIGNING =
      new SignedIdentity(KEY, SignedIdentity.DEFAULT_MAX_AGE);

  private TestIdentity() {}

  /** The signed headers of a client of {@code tenant} with every scope, as the gateway sends. */
  public static Map<String, String> tenant(String tenant) {
    return SIGNING.headers(
        new Identity(tenant, "test-client", Set.of("tasks:read", "tasks:write", "admin")),
        Instant.now());
  }

  /** The signed headers of a runner's own call (a claim), as a runner sends them. */
  public static Map<String, String> runner(String runnerId) {
    return SIGNING.headers(
        new Identity(
            SignedIdentity.NO_TENANT, "runner:" + runnerId, Set.of(SignedIdentity.RUNNER_SCOPE)),
        Instant.now());
  }
}

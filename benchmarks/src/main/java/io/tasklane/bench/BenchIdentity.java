package io.tasklane.bench;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.SignedIdentity.Identity;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The signed identity a benchmark sends straight to a backend, as the gateway would: the key comes
 * from {@code TASKLANE_IDENTITY_SIGNINGKEY}, the one the measured services were started with.
 */
final class BenchIdentity {

  static final String KEY_ENV = "TASKLANE_IDENTITY_SIGNINGKEY";

  private BenchIdentity() {}

  static SignedIdentity fromEnvironment() {
    return SignedIdentity.fromSettings(
        name -> name.equals(SignedIdentity.KEY_PROPERTY) ? System.getenv(KEY_ENV) : null);
  }

  /** The identity headers of a client of {@code tenant}, signed now, as name-value pairs. */
  static String[] headers(SignedIdentity signing, String tenant) {
    return signing
        .headers(
            new Identity(tenant, "benchmark", Set.of("tasks:read", "tasks:write", "admin")),
            Instant.now())
        .entrySet()
        .stream()
        .flatMap(e -> Stream.of(e.getKey(), e.getValue()))
        .toArray(String[]::new);
  }
}

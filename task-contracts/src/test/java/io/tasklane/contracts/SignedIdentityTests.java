package io.tasklane.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasklane.contracts.SignedIdentity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class SignedIdentityTests {

  static final String KEY = "0123456789abcdef0123456789abcdef";
  final SignedIdentity signing = new SignedIdentity(KEY, Duration.ofSeconds(60));
  final Instant now = Instant.parse("2026-12-01T12:00:00Z");
  final Identity acme = new Identity("acme", "writer", Set.of("tasks:write", "tasks:read"));

  Map<String, String> signed() {
    return signing.headers(acme, now);
  }

  @Test
  void aSignedIdentityVerifiesAsItself() {
    var h = signed();
    assertThat(verify(h, now)).contains(acme);
    assertThat(h.get(SignedIdentity.SCOPES_HEADER)).isEqualTo("tasks:read tasks:write");
  }

  @Test
  void anyChangedHeaderBreaksTheSignature() {
    var h = signed();
    assertThat(
            signing.verify(
                "globex",
                h.get(SignedIdentity.CALLER_HEADER),
                h.get(SignedIdentity.SCOPES_HEADER),
                h.get(SignedIdentity.IDENTITY_HEADER),
                now))
        .isEmpty();
    assertThat(
            signing.verify(
                "acme",
                h.get(SignedIdentity.CALLER_HEADER),
                "admin tasks:read tasks:write",
                h.get(SignedIdentity.IDENTITY_HEADER),
                now))
        .isEmpty();
    assertThat(
            signing.verify(
                "acme", "writer", "tasks:read tasks:write", "t=1,v1=" + "0".repeat(64), now))
        .isEmpty();
  }

  @Test
  void aStaleOrFutureSignatureIsRefused() {
    var h = signed();
    assertThat(verify(h, now.plusSeconds(61))).isEmpty();
    assertThat(verify(h, now.minusSeconds(61))).isEmpty();
    assertThat(verify(h, now.plusSeconds(59))).isPresent();
  }

  @Test
  void anotherKeySignsSomethingElse() {
    var other = new SignedIdentity("another-key-another-key-another-key", Duration.ofSeconds(60));
    var h = other.headers(acme, now);
    assertThat(verify(h, now)).isEmpty();
  }

  @Test
  void missingOrMalformedHeadersAreRefused() {
    assertThat(signing.verify(null, "writer", "", "t=1,v1=x", now)).isEmpty();
    assertThat(signing.verify("acme", "writer", "tasks:read", "garbage", now)).isEmpty();
  }

  @Test
  void aShortKeyIsRefusedAtConstruction() {
    assertThatThrownBy(() -> new SignedIdentity("short", Duration.ofSeconds(60)))
        .hasMessageContaining("at least 32 bytes");
  }

  java.util.Optional<Identity> verify(Map<String, String> h, Instant at) {
    return signing.verify(
        h.get(SignedIdentity.TENANT_HEADER),
        h.get(SignedIdentity.CALLER_HEADER),
        h.get(SignedIdentity.SCOPES_HEADER),
        h.get(SignedIdentity.IDENTITY_HEADER),
        at);
  }

  @Test
  void settingsWithoutAKeyNameTheSetting() {
    assertThatThrownBy(() -> SignedIdentity.fromSettings(name -> null))
        .hasMessageContaining("tasklane.identity.signing-key");
    var fromSettings =
        SignedIdentity.fromSettings(name -> name.equals(SignedIdentity.KEY_PROPERTY) ? KEY : "30s");
    assertThat(fromSettings.verify(signed()::get, now.plusSeconds(29))).contains(acme);
    assertThat(fromSettings.verify(signed()::get, now.plusSeconds(31))).isEmpty();
  }

  @Test
  void theRunnersApiNeedsTheRunnerScopeAndTheTenantApiATenant() {
    Identity runner = new Identity(SignedIdentity.NO_TENANT, "runner:r1", Set.of("runner"));
    var runnerHeaders = signing.headers(runner, now);
    assertThat(signing.admit("/internal/v1/tasks/x/claim", runnerHeaders::get, now))
        .isEqualTo(new SignedIdentity.Admission.Admitted(runner));
    assertThat(signing.admit("/api/v1/tasks", runnerHeaders::get, now))
        .isInstanceOfSatisfying(
            SignedIdentity.Admission.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
    assertThat(signing.admit("/internal/v1/tasks/x/claim", signed()::get, now))
        .isInstanceOfSatisfying(
            SignedIdentity.Admission.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
    assertThat(signing.admit("/api/v1/tasks", signed()::get, now))
        .isEqualTo(new SignedIdentity.Admission.Admitted(acme));
    assertThat(signing.admit("/api/v1/tasks", Map.of("X-Tasklane-Tenant", "acme")::get, now))
        .isInstanceOfSatisfying(
            SignedIdentity.Admission.Refused.class,
            r -> assertThat(r.slug()).isEqualTo("unauthenticated"));
  }
}

package io.tasklane.gateway.auth;

import io.tasklane.gateway.GatewayProperties;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Accepts JWTs from the configured issuer: signature, expiry, issuer and audience are checked, the
 * tenant and scopes come from claims.
 */
@Component
class JwtCallers {

  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final GatewayProperties.Jwt settings;
  private volatile ReactiveJwtDecoder decoder;

  JwtCallers(GatewayProperties properties) {
    this.settings = properties.jwt();
  }

  boolean enabled() {
    return settings.enabled();
  }

  static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  /** The caller the token stands for; empty when it is not valid or names no usable tenant. */
  Mono<Caller> caller(String token) {
    return decoder()
        .decode(token)
        .map(this::toCaller)
        .flatMap(Mono::justOrEmpty)
        .onErrorResume(e -> Mono.empty());
  }

  private Optional<Caller> toCaller(Jwt jwt) {
    String tenant = jwt.getClaimAsString(settings.tenantClaim());
    if (tenant == null || !TENANT.matcher(tenant).matches() || jwt.getSubject() == null) {
      return Optional.empty();
    }
    return Optional.of(new Caller("jwt:" + jwt.getSubject(), tenant, scopes(jwt)));
  }

  private Set<String> scopes(Jwt jwt) {
    Object claim = jwt.getClaim(settings.scopesClaim());
    Stream<String> scopes =
        switch (claim) {
          case String text -> Stream.of(WHITESPACE.split(text));
          case Collection<?> list -> list.stream().map(String::valueOf);
          case null, default -> Stream.empty();
        };
    return scopes.filter(s -> !s.isBlank()).collect(Collectors.toUnmodifiableSet());
  }

  private ReactiveJwtDecoder decoder() {
    ReactiveJwtDecoder local = decoder;
    if (local == null) {
      synchronized (this) {
        local = decoder;
        if (local == null) {
          local = build();
          decoder = local;
        }
      }
    }
    return local;
  }

  private ReactiveJwtDecoder build() {
    NimbusReactiveJwtDecoder nimbus =
        settings.jwkSetUri() == null
            ? NimbusReactiveJwtDecoder.withIssuerLocation(settings.issuerUri().toString()).build()
            : NimbusReactiveJwtDecoder.withJwkSetUri(settings.jwkSetUri().toString()).build();
    OAuth2TokenValidator<Jwt> time =
        settings.issuerUri() == null
            ? JwtValidators.createDefault()
            : JwtValidators.createDefaultWithIssuer(settings.issuerUri().toString());
    String audience = settings.audience();
    OAuth2TokenValidator<Jwt> forUs =
        new JwtClaimValidator<List<String>>(
            JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience));
    nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(time, forUs));
    return nimbus;
  }
}

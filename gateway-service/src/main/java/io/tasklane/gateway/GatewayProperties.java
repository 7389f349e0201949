package io.tasklane.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

@Validated
@ConfigurationProperties("tasklane.gateway")
public record GatewayProperties(
    @NotNull URI ledgerUrl,
    @NotNull URI notifierUrl,
    @Min(1024) long maxRequestBytes,
    List<@Valid ApiKey> apiKeys,
    @Valid @NotNull RateLimit rateLimit,
    @Valid Cors cors,
    @Valid Jwt jwt) {

  public GatewayProperties {
    apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
    cors = cors == null ? new Cors(List.of()) : cors;
    jwt = jwt == null ? new Jwt(null, null, null, null, null) : jwt;
  }

  /**
   * Bearer JWTs from an issuer, accepted beside API keys when an issuer or a JWK set is set.
   *
   * @param issuerUri the issuer; its keys are discovered, and the {@code iss} claim must match
   * @param jwkSetUri the issuer's keys, when discovery is not available
   * @param tenantClaim the claim naming the tenant (default {@code tenant})
   * @param scopesClaim the claim holding scopes, space-separated or a list (default {@code scope})
   * @param audience the value the {@code aud} claim must contain; required when JWTs are accepted
   */
  public record Jwt(
      URI issuerUri, URI jwkSetUri, String tenantClaim, String scopesClaim, String audience) {

    public Jwt {
      tenantClaim = tenantClaim == null || tenantClaim.isBlank() ? "tenant" : tenantClaim;
      scopesClaim = scopesClaim == null || scopesClaim.isBlank() ? "scope" : scopesClaim;
      if ((issuerUri != null || jwkSetUri != null) && (audience == null || audience.isBlank())) {
        throw new IllegalArgumentException(
            "Set tasklane.gateway.jwt.audience to the audience the gateway's tokens are issued"
                + " for: without it a token the issuer made for any other service would be"
                + " accepted");
      }
    }

    public boolean enabled() {
      return issuerUri != null || jwkSetUri != null;
    }
  }

  /**
   * An API key, stored only as its hash.
   *
   * @param hash {@code sha256:<hex>} of the key
   * @param scopes any of {@code tasks:read}, {@code tasks:write}, {@code admin}
   */
  public record ApiKey(
      @NotBlank String name,
      @NotBlank @Pattern(regexp = "sha256:[0-9a-f]{64}") String hash,
      @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}") String tenant,
      Set<String> scopes) {

    public ApiKey {
      scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    }
  }

  /**
   * A token bucket per tenant and caller.
   *
   * @param maxCallers the most buckets kept in memory (default 100000); idle ones expire sooner
   */
  public record RateLimit(
      @Min(1) int requestsPerSecond, @Min(1) int burst, @Min(1) Integer maxCallers) {

    public RateLimit {
      maxCallers = maxCallers == null ? 100_000 : maxCallers;
    }
  }

  public record Cors(List<String> allowedOrigins) {

    public Cors {
      allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }
  }
}

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
    @Valid Cors cors) {

  public GatewayProperties {
    apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
    cors = cors == null ? new Cors(List.of()) : cors;
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

  /** A token bucket per API key. */
  public record RateLimit(@Min(1) int requestsPerSecond, @Min(1) int burst) {}

  public record Cors(List<String> allowedOrigins) {

    public Cors {
      allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }
  }
}

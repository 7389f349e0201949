package io.tasklane.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.gateway.GatewayProperties;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class RateLimiterTests {

  @Test
  void bucketsAreKeptForAtMostTheConfiguredNumberOfCallers() {
    RateLimiter limiter = new RateLimiter(properties(new GatewayProperties.RateLimit(1, 2, 100)));

    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.acquire("acme", "caller-" + i)).isZero();
    }

    assertThat(limiter.size()).isLessThanOrEqualTo(100);
  }

  @Test
  void theBucketIsPerTenantAndCaller() {
    RateLimiter limiter = new RateLimiter(properties(new GatewayProperties.RateLimit(1, 1, null)));

    assertThat(limiter.acquire("acme", "ops")).isZero();
    assertThat(limiter.acquire("acme", "ops")).isPositive();
    assertThat(limiter.acquire("globex", "ops")).isZero();
    assertThat(limiter.acquire("acme", "dev")).isZero();
  }

  private static GatewayProperties properties(GatewayProperties.RateLimit limit) {
    return new GatewayProperties(
        URI.create("http://ledger"),
        URI.create("http://notifier"),
        1024,
        List.of(),
        limit,
        null,
        null);
  }
}

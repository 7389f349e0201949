package io.tasklane.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tasklane.gateway.GatewayProperties;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * A token bucket per tenant and caller, in this gateway replica's memory: {@code burst} requests at
 * once, refilled at {@code requestsPerSecond}. A bucket left alone until it would be full again is
 * forgotten (a new one starts full, so forgetting it changes nothing), and at most {@code
 * max-callers} buckets are kept.
 */
@Component
class RateLimiter {

  private final double ratePerNano;
  private final double capacity;
  private final Cache<String, Bucket> buckets;

  RateLimiter(GatewayProperties properties) {
    GatewayProperties.RateLimit limit = properties.rateLimit();
    this.ratePerNano = limit.requestsPerSecond() / 1e9;
    this.capacity = limit.burst();
    Duration refill =
        Duration.ofMillis((long) Math.ceil(1000.0 * limit.burst() / limit.requestsPerSecond()));
    this.buckets =
        Caffeine.newBuilder()
            .expireAfterAccess(refill.plusSeconds(1))
            .maximumSize(limit.maxCallers())
            .build();
  }

  /** Zero when the request may pass, otherwise the seconds to wait before retrying. */
  long acquire(String tenant, String caller) {
    return buckets
        .get(tenant + "\n" + caller, k -> new Bucket(capacity))
        .take(ratePerNano, capacity);
  }

  /** How many buckets are held now (for tests of the bound). */
  long size() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  private static final class Bucket {
    private double tokens;
    private long refilledAt = System.nanoTime();

    Bucket(double tokens) {
      this.tokens = tokens;
    }

    synchronized long take(double ratePerNano, double capacity) {
      long now = System.nanoTime();
      tokens = Math.min(capacity, tokens + (now - refilledAt) * ratePerNano);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano / 1e9));
    }
  }
}

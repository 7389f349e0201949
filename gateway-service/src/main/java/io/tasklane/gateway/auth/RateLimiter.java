package io.tasklane.gateway.auth;

import io.tasklane.gateway.GatewayProperties;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * A token bucket per API key, in this gateway replica's memory: {@code burst} requests at once,
 * refilled at {@code requestsPerSecond}.
 */
@Component
class RateLimiter {

  private final double ratePerNano;
  private final double capacity;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(GatewayProperties properties) {
    this.ratePerNano = properties.rateLimit().requestsPerSecond() / 1e9;
    this.capacity = properties.rateLimit().burst();
  }

  /** Zero when the request may pass, otherwise the seconds to wait before retrying. */
  long acquire(String key) {
    return buckets.computeIfAbsent(key, k -> new Bucket(capacity)).take(ratePerNano, capacity);
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

package io.tasklane.notifier.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Meters: {@code tasklane.deliveries} (channel, outcome), {@code tasklane.delivery.latency}
 * (channel), {@code tasklane.delivery.retries} (channel), {@code tasklane.delivery.backlog}.
 */
@Component
public class DeliveryMetrics {

  private final MeterRegistry registry;
  private final AtomicLong backlog = new AtomicLong();

  DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("tasklane.delivery.backlog", backlog, AtomicLong::get)
        .description("Deliveries waiting to be sent or retried")
        .register(registry);
  }

  void outcome(DeliveryChannel channel, DeliveryStatus outcome) {
    Counter.builder("tasklane.deliveries")
        .description("Deliveries by channel and final outcome")
        .tag("channel", channel.wire())
        .tag("outcome", outcome.wire())
        .register(registry)
        .increment();
  }

  void latency(DeliveryChannel channel, Duration sinceEvent) {
    Timer.builder("tasklane.delivery.latency")
        .description("Time from the lifecycle event to confirmed delivery")
        .tag("channel", channel.wire())
        .publishPercentileHistogram()
        .register(registry)
        .record(sinceEvent.isNegative() ? Duration.ZERO : sinceEvent);
  }

  void retry(DeliveryChannel channel) {
    Counter.builder("tasklane.delivery.retries")
        .description("Delivery attempts that will be retried")
        .tag("channel", channel.wire())
        .register(registry)
        .increment();
  }

  void backlog(long pending) {
    backlog.set(pending);
  }
}

package io.tasklane.ledger.runners;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * How far behind the runners this ledger applies their reports: the largest gap between a report
 * being made and being applied, over the last couple of seconds. A lease is only judged that much
 * later, so a ledger that is behind on reports (a backlog, a restart) waits for the heartbeats it
 * has not read yet instead of recovering tasks whose runners are alive. A runner clock that is
 * behind only makes the wait longer; one that is ahead counts as no lag.
 */
@Component
public class ReportLag {

  private static final long WINDOW_NANOS = Duration.ofSeconds(2).toNanos();

  private final Clock clock;
  private long windowStart = System.nanoTime();
  private long currentMax;
  private long previousMax;

  ReportLag(Clock clock, MeterRegistry meters) {
    this.clock = clock;
    Gauge.builder("tasklane.reports.lag", this, lag -> lag.lag().toMillis() / 1000.0)
        .description("How far behind the runners their reports are applied (recent maximum)")
        .baseUnit("seconds")
        .register(meters);
  }

  synchronized void applied(Instant madeAt) {
    if (madeAt == null) {
      return;
    }
    roll();
    long delay = Math.max(0, Duration.between(madeAt, clock.instant()).toMillis());
    currentMax = Math.max(currentMax, delay);
  }

  /** The recent lag; zero when no report came in lately. */
  public synchronized Duration lag() {
    roll();
    return Duration.ofMillis(Math.max(currentMax, previousMax));
  }

  private void roll() {
    long now = System.nanoTime();
    if (now - windowStart >= 2 * WINDOW_NANOS) {
      previousMax = 0;
      currentMax = 0;
      windowStart = now;
    } else if (now - windowStart >= WINDOW_NANOS) {
      previousMax = currentMax;
      currentMax = 0;
      windowStart = now;
    }
  }
}

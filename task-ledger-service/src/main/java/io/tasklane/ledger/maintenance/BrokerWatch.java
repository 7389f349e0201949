package io.tasklane.ledger.maintenance;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.ledger.LedgerProperties;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Whether the ledger can hear the runners at all. Heartbeats travel through Kafka: while the broker
 * cannot be reached no heartbeat arrives from anyone, and a lease judged then would take every live
 * runner for a dead one. So leases are judged only while the broker answers, and once it answers
 * again only after a whole lease has passed, time enough for every live runner's heartbeat (those
 * it held back while the broker was away, then a fresh one) to be applied.
 */
@Component
class BrokerWatch implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(BrokerWatch.class);

  private final KafkaAdmin kafkaAdmin;
  private final Duration probeEvery;
  private final Duration settle;
  private volatile boolean reachable = true;
  private volatile long reachableSince = System.nanoTime() - Duration.ofDays(1).toNanos();
  private volatile Thread prober;
  private Admin admin;

  BrokerWatch(KafkaAdmin kafkaAdmin, LedgerProperties properties, MeterRegistry meters) {
    this.kafkaAdmin = kafkaAdmin;
    this.probeEvery = properties.recovery().interval();
    this.settle = properties.lease();
    Gauge.builder("tasklane.kafka.reachable", this, watch -> watch.reachable ? 1 : 0)
        .description("Whether the ledger reached the Kafka broker at its last probe (1) or not (0)")
        .register(meters);
  }

  /** Whether leases may be judged now: the broker answers and has for at least one lease. */
  boolean leasesJudgeable() {
    return reachable && System.nanoTime() - reachableSince >= settle.toNanos();
  }

  @Override
  public synchronized void start() {
    admin = Admin.create(kafkaAdmin.getConfigurationProperties());
    Thread thread = Thread.ofVirtual().name("broker-watch").unstarted(this::run);
    prober = thread;
    thread.start();
  }

  @Override
  public synchronized void stop() {
    Thread current = prober;
    prober = null;
    if (current != null) {
      current.interrupt();
      try {
        current.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
      admin = null;
    }
  }

  @Override
  public boolean isRunning() {
    return prober != null;
  }

  private void run() {
    long timeoutMillis = Math.max(1000, 2 * probeEvery.toMillis());
    while (prober == Thread.currentThread()) {
      boolean answered;
      try {
        admin
            .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMillis))
            .nodes()
            .get(timeoutMillis + 500, TimeUnit.MILLISECONDS);
        answered = true;
      } catch (ExecutionException | TimeoutException e) {
        answered = false;
      } catch (InterruptedException e) {
        return;
      }
      observed(answered);
      try {
        Thread.sleep(probeEvery);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void observed(boolean answered) {
    if (answered && !reachable) {
      reachableSince = System.nanoTime();
      reachable = true;
      log.warn("Kafka answers again; leases are judged again in {}", settle);
    } else if (!answered && reachable) {
      reachable = false;
      log.warn("Kafka cannot be reached: no heartbeat can arrive, so no lease is judged");
    }
  }
}

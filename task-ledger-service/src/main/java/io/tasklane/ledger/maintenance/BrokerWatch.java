package io.tasklane.ledger.maintenance;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.Topics;
import io.tasklane.ledger.LedgerProperties;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * What the ledger can tell from the broker about the runners' heartbeats, which travel through
 * Kafka.
 *
 * <ul>
 *   <li>Whether it can hear the runners at all: while the broker cannot be reached no heartbeat
 *       arrives from anyone, and a lease judged then would take every live runner for a dead one.
 *       So leases are judged only while the broker answers, and once it answers again only after a
 *       whole lease has passed, time enough for every live runner's heartbeat (those it held back
 *       while the broker was away, then a fresh one) to be applied.
 *   <li>How far behind the runners' reports the ledger's consumers are, by the ledger's own clock:
 *       every probe notes the end of each partition of the reports topic; the consumers have caught
 *       up to a probe once the group's committed offsets reach the ends it noted. Every heartbeat
 *       written before the newest probe caught up to has been applied; later ones may be waiting. A
 *       ledger that falls ever further behind (a backlog that grows, a consumer that stalls)
 *       therefore judges no lease its unread heartbeats would extend, and a runner that died, whose
 *       reports stop, is judged as soon as the rest is read.
 * </ul>
 */
@Component
class BrokerWatch implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(BrokerWatch.class);

  /** Probes kept while the consumers are behind: ten minutes of them at the default interval. */
  private static final int MAX_PROBES = 600;

  private record Probe(long at, Map<TopicPartition, Long> ends) {}

  private final KafkaAdmin kafkaAdmin;
  private final KafkaListenerEndpointRegistry listeners;
  private final String group;
  private final Duration probeEvery;
  private final Duration settle;
  private final Deque<Probe> probes = new ArrayDeque<>();
  private volatile boolean reachable = true;
  private volatile long reachableSince = System.nanoTime() - Duration.ofDays(1).toNanos();
  private volatile long caughtUpTo = System.nanoTime();
  private volatile Thread prober;
  private Admin admin;

  BrokerWatch(
      KafkaAdmin kafkaAdmin,
      LedgerProperties properties,
      MeterRegistry meters,
      @Value("${tasklane.ledger.consumer-group:task-ledger}") String group,
      KafkaListenerEndpointRegistry listeners) {
    this.kafkaAdmin = kafkaAdmin;
    this.listeners = listeners;
    this.group = group;
    this.probeEvery = properties.recovery().interval();
    this.settle = properties.lease();
    Gauge.builder("tasklane.kafka.reachable", this, watch -> watch.reachable ? 1 : 0)
        .description("Whether the ledger reached the Kafka broker at its last probe (1) or not (0)")
        .register(meters);
    Gauge.builder(
            "tasklane.reports.backlog", this, watch -> watch.reportBacklog().toMillis() / 1000.0)
        .description(
            "How far behind the runners' reports the ledger's consumers are, by its own clock")
        .baseUnit("seconds")
        .register(meters);
  }

  /** Whether leases may be judged now: the broker answers and has for at least one lease. */
  boolean leasesJudgeable() {
    return reachable && System.nanoTime() - reachableSince >= settle.toNanos();
  }

  /**
   * How far behind the consumers are: every report written more than {@code reportBacklog()} plus
   * one probe interval ago has been applied. Zero while they keep up to within a probe interval
   * (the grace covers that much).
   */
  Duration reportBacklog() {
    long behind = System.nanoTime() - caughtUpTo - probeEvery.toNanos();
    return Duration.ofNanos(Math.max(0, behind));
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
      if (answered) {
        try {
          probeBacklog(timeoutMillis);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          // no probe this turn: the consumers' position stays where it was last seen
        } catch (InterruptedException e) {
          return;
        }
      }
      try {
        Thread.sleep(probeEvery);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Notes the end of every partition of the reports topic, reads the group's committed offsets, and
   * moves {@link #caughtUpTo} to the newest probe those offsets reached.
   */
  private void probeBacklog(long timeoutMillis)
      throws ExecutionException, TimeoutException, InterruptedException {
    long now = System.nanoTime();
    if (!readingReports()) {
      // this ledger reads no reports (its listeners are off): their backlog is not its to wait for
      caughtUpTo = now;
      probes.clear();
      return;
    }
    var partitions =
        admin
            .describeTopics(List.of(Topics.RUNNER_REPORTS))
            .allTopicNames()
            .get(timeoutMillis, TimeUnit.MILLISECONDS)
            .get(Topics.RUNNER_REPORTS)
            .partitions()
            .stream()
            .map(info -> new TopicPartition(Topics.RUNNER_REPORTS, info.partition()))
            .toList();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get(timeoutMillis, TimeUnit.MILLISECONDS)
        .forEach((partition, info) -> ends.put(partition, info.offset()));
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(timeoutMillis, TimeUnit.MILLISECONDS);
    probes.addLast(new Probe(now, ends));
    Probe reached = null;
    for (Probe probe : probes) {
      if (probe.ends().entrySet().stream()
          .allMatch(
              end -> {
                OffsetAndMetadata at = committed.get(end.getKey());
                // a partition nobody wrote to needs no commit
                return end.getValue() == 0 || (at != null && at.offset() >= end.getValue());
              })) {
        reached = probe;
      }
    }
    if (reached != null) {
      caughtUpTo = reached.at();
      while (probes.peekFirst() != reached) {
        probes.pollFirst();
      }
    }
    while (probes.size() > MAX_PROBES) {
      probes.pollFirst();
    }
  }

  private boolean readingReports() {
    return listeners.getListenerContainers().stream()
        .anyMatch(
            container ->
                container.isRunning()
                    && container.getContainerProperties().getTopics() != null
                    && List.of(container.getContainerProperties().getTopics())
                        .contains(Topics.RUNNER_REPORTS));
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

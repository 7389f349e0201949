package io.tasklane.notifier.delivery;

import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.Topics;
import io.tasklane.notifier.NotifierProperties;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes every finished delivery on {@link Topics#DELIVERY_REPORTS}. The delivery table is the
 * outbox: a report is marked sent only after the broker acknowledged it, so a crash can repeat a
 * report (same {@code reportId}) but never lose one.
 */
@Component
class DeliveryReporter implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DeliveryReporter.class);
  private static final int BATCH = 500;

  private final Deliveries deliveries;
  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;
  private final TransactionTemplate transactions;
  private final DeliveryMetrics metrics;
  private final NotifierProperties.Delivery settings;
  private final TaskScheduler scheduler;
  private ScheduledFuture<?> polling;

  DeliveryReporter(
      Deliveries deliveries,
      KafkaTemplate<String, String> kafka,
      JsonMapper json,
      TransactionTemplate transactions,
      DeliveryMetrics metrics,
      NotifierProperties properties,
      TaskScheduler scheduler) {
    this.deliveries = deliveries;
    this.kafka = kafka;
    this.json = json;
    this.transactions = transactions;
    this.metrics = metrics;
    this.settings = properties.delivery();
    this.scheduler = scheduler;
  }

  @Override
  public synchronized void start() {
    polling = scheduler.scheduleWithFixedDelay(this::publish, settings.reportInterval());
  }

  @Override
  public synchronized void stop() {
    polling.cancel(false);
    polling = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return polling != null;
  }

  void publish() {
    try {
      Integer sent;
      do {
        sent = transactions.execute(status -> publishBatch());
      } while (sent != null && sent == BATCH);
      metrics.backlog(deliveries.backlog());
    } catch (RuntimeException e) {
      log.warn("Publishing delivery reports failed: {}", e.toString());
    }
  }

  private int publishBatch() {
    List<Deliveries.DeliveryOutcome> outcomes = deliveries.lockUnreported(BATCH);
    if (outcomes.isEmpty()) {
      return 0;
    }
    List<CompletableFuture<?>> acks = new ArrayList<>();
    for (var outcome : outcomes) {
      var report =
          new DeliveryReport(
              reportId(outcome),
              outcome.eventId(),
              outcome.taskId(),
              outcome.tenant(),
              outcome.channel(),
              outcome.outcome(),
              outcome.reason(),
              outcome.attempts(),
              Instant.now(),
              outcome.event().sequence(),
              outcome.event().data().attempt());
      acks.add(
          kafka.send(
              Topics.DELIVERY_REPORTS,
              outcome.taskId().toString(),
              json.writeValueAsString(report)));
    }
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Broker did not acknowledge delivery reports", e);
    }
    deliveries.markReported(outcomes.stream().map(Deliveries.DeliveryOutcome::id).toList());
    return outcomes.size();
  }

  private static UUID reportId(Deliveries.DeliveryOutcome outcome) {
    String key = outcome.eventId() + "/" + outcome.channel().wire();
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
  }
}

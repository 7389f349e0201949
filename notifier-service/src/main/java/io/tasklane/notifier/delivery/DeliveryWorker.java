package io.tasklane.notifier.delivery;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.notifier.NotifierProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Claims due deliveries from PostgreSQL and sends them. Deliveries of one lane (one Telegram chat,
 * one session webhook) go one after another on one virtual thread, so they keep their order; lanes
 * run in parallel.
 */
@Component
class DeliveryWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

  /** How long a stop waits for the sends in flight (one per lane) to be answered and recorded. */
  private static final Duration SEND_DRAIN = Duration.ofSeconds(15);

  private final Deliveries deliveries;
  private final Map<DeliveryChannel, ChannelSender> senders;
  private final DeliveryMetrics metrics;
  private final NotifierProperties.Delivery settings;
  private final TaskScheduler scheduler;
  private final Set<String> busyLanes = ConcurrentHashMap.newKeySet();
  private final UUID worker = UUID.randomUUID();
  private ExecutorService lanes;
  private ScheduledFuture<?> polling;
  private ScheduledFuture<?> renewing;
  private volatile boolean stopping;

  DeliveryWorker(
      Deliveries deliveries,
      List<ChannelSender> senders,
      DeliveryMetrics metrics,
      NotifierProperties properties,
      TaskScheduler scheduler) {
    this.deliveries = deliveries;
    this.senders =
        senders.stream().collect(Collectors.toMap(ChannelSender::channel, Function.identity()));
    this.metrics = metrics;
    this.settings = properties.delivery();
    this.scheduler = scheduler;
  }

  @Override
  public synchronized void start() {
    stopping = false;
    lanes = Executors.newVirtualThreadPerTaskExecutor();
    polling = scheduler.scheduleWithFixedDelay(this::poll, settings.pollInterval());
    renewing = scheduler.scheduleWithFixedDelay(this::renew, settings.claimLease().dividedBy(3));
  }

  /**
   * Stops claiming and ends the lanes: a lane waiting for a send slot gives up without sending, a
   * send in flight is answered and its outcome recorded (a send is never cut off: Telegram may
   * already have the message, and one sent again would be a duplicate), and what a lane had not
   * started goes back to the queue at once.
   */
  @Override
  public synchronized void stop() {
    stopping = true;
    polling.cancel(false);
    lanes.shutdownNow();
    try {
      lanes.awaitTermination(SEND_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    renewing.cancel(false);
    polling = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return polling != null;
  }

  void poll() {
    try {
      List<ClaimedDelivery> claimed =
          deliveries.claim(
              worker,
              Set.copyOf(busyLanes),
              settings.batchSize(),
              settings.perLaneBatch(),
              settings.claimLease());
      Map<String, List<ClaimedDelivery>> byLane =
          claimed.stream()
              .collect(
                  Collectors.groupingBy(
                      ClaimedDelivery::lane, LinkedHashMap::new, Collectors.toList()));
      byLane.forEach(
          (lane, queue) -> {
            busyLanes.add(lane);
            lanes.execute(() -> runLane(lane, queue));
          });
    } catch (RuntimeException e) {
      log.warn("Delivery poll failed: {}", e.toString());
    }
  }

  /**
   * A claim is short (a killed notifier's deliveries wait at most one lease), so the worker renews
   * what it holds, every third of a lease.
   */
  void renew() {
    try {
      deliveries.renew(worker, settings.claimLease());
    } catch (RuntimeException e) {
      log.warn("Could not renew delivery claims: {}", e.toString());
    }
  }

  private void runLane(String lane, List<ClaimedDelivery> queue) {
    try {
      for (ClaimedDelivery delivery : queue) {
        if (stopping || Thread.currentThread().isInterrupted()) {
          release(queue.subList(queue.indexOf(delivery), queue.size()));
          return;
        }
        process(delivery);
      }
    } finally {
      busyLanes.remove(lane);
    }
  }

  private void process(ClaimedDelivery delivery) {
    ChannelSender sender = senders.get(delivery.channel());
    Attempt attempt;
    try {
      if (!delivery.claim().held(delivery.partsSent())) {
        log.info("Delivery {} was taken over by another worker; not sent here", delivery.id());
        return;
      }
      attempt =
          sender == null
              ? new Attempt.Failed("no sender for channel " + delivery.channel().wire())
              : sender.attempt(delivery);
    } catch (RuntimeException e) {
      attempt =
          new Attempt.RetryLater("unexpected error: " + e.getClass().getSimpleName(), null, 0);
      log.warn("Delivery {} raised {}", delivery.id(), e.getClass().getName());
    }
    // a stop interrupts the lane; the outcome is recorded all the same, or it would be sent again
    Attempt outcome = attempt;
    OutcomeStore.untilStored("delivery " + delivery.id(), () -> record(delivery, outcome));
  }

  private void release(List<ClaimedDelivery> unstarted) {
    boolean interrupted = Thread.interrupted();
    try {
      deliveries.release(worker, unstarted.stream().map(ClaimedDelivery::id).toList());
    } catch (RuntimeException e) {
      log.warn("Could not release {} claimed deliveries: {}", unstarted.size(), e.toString());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void record(ClaimedDelivery delivery, Attempt attempt) {
    DeliveryChannel channel = delivery.channel();
    switch (attempt) {
      case Attempt.Delivered(int parts) -> {
        deliveries.delivered(delivery.id(), parts);
        metrics.outcome(channel, DeliveryStatus.DELIVERED);
        Instant eventTime = delivery.event().time();
        metrics.latency(
            channel,
            Duration.between(eventTime == null ? delivery.createdAt() : eventTime, Instant.now()));
      }
      case Attempt.Failed(String reason) -> {
        deliveries.failed(delivery.id(), worker, reason, true);
        metrics.outcome(channel, DeliveryStatus.FAILED);
      }
      case Attempt.Postponed(Instant until, int parts) ->
          deliveries.postpone(delivery.id(), worker, until, parts);
      case Attempt.RetryLater(String reason, Instant notBefore, int parts) -> {
        int attempts = delivery.attempts() + 1;
        Instant next = Instant.now().plus(backoff(attempts));
        if (notBefore != null && notBefore.isAfter(next)) {
          next = notBefore;
        }
        Instant deadline = delivery.createdAt().plus(settings.retryFor());
        if (next.isAfter(deadline)) {
          deliveries.failed(
              delivery.id(), worker, reason + " (gave up after " + attempts + " attempts)", true);
          metrics.outcome(channel, DeliveryStatus.FAILED);
        } else {
          deliveries.retryAt(delivery.id(), worker, next, reason, parts);
          metrics.retry(channel);
        }
      }
    }
  }

  private Duration backoff(int attempts) {
    Duration delay = settings.initialBackoff();
    for (int i = 1; i < attempts && delay.compareTo(settings.maxBackoff()) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : delay;
  }
}

package io.tasklane.runner.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.Topics;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.agent.RunningTasks;
import io.tasklane.runner.agent.TaskTraces;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes dispatched tasks from the {@code runners} consumer group into a bounded in-memory hand-off,
 * and starts the next one the moment a slot is free.
 *
 * <p>Flow control: one poll thread owns the Kafka consumer. It fetches while fewer than {@code
 * high} records wait for a slot, pauses every assigned partition once that many wait, and resumes
 * as soon as the waiting records fall to {@code low} (one slot's worth per slot), woken at once by
 * the thread that took the record. The consumer keeps polling while paused, so it stays in the
 * group: a full runner costs no rebalance, no redelivery and no second claim. Each record is held
 * in memory until its claim settles (granted, refused, or a repeat of an attempt already held);
 * only then does its offset become committable, in offset order per partition. A claim that fails
 * (ledger unreachable) is tried again from memory after a pause, without re-reading the record.
 *
 * <p>{@code tasklane.runner.dispatch.idle_slot_waits} counts the moments a slot was free, nothing
 * waited in memory and fetching was paused: the state the flow control exists to avoid.
 */
@Component
public class DispatchListener implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DispatchListener.class);
  private static final Duration RETRY_CLAIM_AFTER = Duration.ofSeconds(1);
  private static final Duration POLL = Duration.ofMillis(200);

  private final ConsumerFactory<?, ?> consumers;
  private final LedgerClient ledger;
  private final RunningTasks tasks;
  private final TaskTraces traces;
  private final Slots slots;
  private final JsonMapper json;
  private final String runnerId;
  private final int dispatchBatch;
  private final int high;
  private final int low;
  private final Counter idleSlotWaits;
  private final ExecutorService claims = Executors.newVirtualThreadPerTaskExecutor();

  /** Guards {@link #waiting} and {@link #fetchPaused}. */
  private final Object lock = new Object();

  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private boolean fetchPaused;

  /** Attempts being claimed right now: a repeated dispatch of one of them is settled at once. */
  private final Set<Attempt> claiming = ConcurrentHashMap.newKeySet();

  private final Map<TopicPartition, Offsets> offsets = new ConcurrentHashMap<>();
  private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
  private volatile Consumer<String, String> consumer;
  private volatile Thread poller;

  DispatchListener(
      ConsumerFactory<?, ?> consumers,
      LedgerClient ledger,
      RunningTasks tasks,
      TaskTraces traces,
      Slots slots,
      JsonMapper json,
      RunnerProperties properties,
      MeterRegistry meters) {
    this.consumers = consumers;
    this.ledger = ledger;
    this.tasks = tasks;
    this.traces = traces;
    this.slots = slots;
    this.json = json;
    this.runnerId = properties.runnerId();
    this.dispatchBatch = properties.dispatchBatch();
    this.low = slots.capacity();
    this.high = slots.capacity() + properties.dispatchBatch();
    this.idleSlotWaits =
        Counter.builder("tasklane.runner.dispatch.idle_slot_waits")
            .description(
                "Times a slot was free while dispatches waited unfetched behind a paused consumer")
            .register(meters);
    Gauge.builder("tasklane.runner.dispatch.waiting", this, DispatchListener::waitingForSlot)
        .description("Dispatched tasks fetched and waiting for a free slot")
        .register(meters);
  }

  private record Attempt(UUID taskId, int attempt) {}

  /** A fetched record not yet settled; {@code offsets} is its partition's bookkeeping. */
  private record Pending(
      TopicPartition partition,
      long offset,
      Offsets offsets,
      TaskDispatch task,
      String traceParent) {
    Attempt attempt() {
      return new Attempt(task.taskId(), task.attempt());
    }
  }

  /** The offsets of one assigned partition that are fetched but not settled. */
  private static final class Offsets {
    final ConcurrentSkipListSet<Long> open = new ConcurrentSkipListSet<>();
    volatile long next = -1;
    long committed = -1;

    /** The offset to commit: everything before it is settled. */
    long position() {
      Long first = open.isEmpty() ? null : open.first();
      return first == null ? next : Math.min(first, next);
    }
  }

  // --- lifecycle ------------------------------------------------------------------------------

  @Override
  public synchronized void start() {
    if (poller != null) {
      return;
    }
    Thread thread = Thread.ofPlatform().name("dispatch-poll").daemon().unstarted(this::pollLoop);
    poller = thread;
    thread.start();
  }

  /** Stops taking work: claimed tasks keep running; unclaimed records are left to the group. */
  @Override
  public void stop() {
    Thread thread;
    synchronized (this) {
      thread = poller;
      poller = null;
    }
    if (thread == null) {
      return;
    }
    Consumer<String, String> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return poller != null;
  }

  /** The dispatch partitions this runner holds now. */
  public Collection<TopicPartition> assignedPartitions() {
    return List.copyOf(assigned);
  }

  /** Records fetched and waiting for a slot. */
  public int waitingForSlot() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  // --- the poll thread ------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private void pollLoop() {
    Properties overrides = new Properties();
    overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(dispatchBatch));
    overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Consumer<String, String> kafka =
        (Consumer<String, String>)
            consumers.createConsumer(Topics.RUNNERS, runnerId + "-dispatch", null, overrides);
    consumer = kafka;
    try {
      kafka.subscribe(List.of(Topics.TASK_DISPATCH), new Rebalance(kafka));
      boolean consumerPaused = false;
      while (poller == Thread.currentThread()) {
        boolean pause;
        synchronized (lock) {
          if (waiting.size() >= high) {
            fetchPaused = true;
          } else if (waiting.size() <= low) {
            fetchPaused = false;
          }
          pause = fetchPaused;
        }
        if (pause) {
          // every iteration: partitions assigned since are paused too
          kafka.pause(kafka.assignment());
          consumerPaused = true;
        } else if (consumerPaused) {
          kafka.resume(kafka.paused());
          consumerPaused = false;
        }
        try {
          var records = kafka.poll(POLL);
          if (!records.isEmpty()) {
            List<Pending> fetched = new java.util.ArrayList<>(records.count());
            for (ConsumerRecord<String, String> record : records) {
              TopicPartition partition = new TopicPartition(record.topic(), record.partition());
              Offsets partitionOffsets = offsets.computeIfAbsent(partition, p -> new Offsets());
              partitionOffsets.next = record.offset() + 1;
              TaskDispatch task = read(record);
              if (task != null) {
                partitionOffsets.open.add(record.offset());
                fetched.add(
                    new Pending(
                        partition, record.offset(), partitionOffsets, task, traceParent(record)));
              }
            }
            synchronized (lock) {
              waiting.addAll(fetched);
            }
            takeWhileSlotsFree();
          }
        } catch (WakeupException e) {
          // woken to resume fetching or to stop
        }
        commit(kafka, false);
      }
    } catch (RuntimeException e) {
      log.error("Dispatch consumer failed: {}", e.toString(), e);
    } finally {
      try {
        commit(kafka, true);
      } catch (RuntimeException e) {
        log.warn("Could not commit settled dispatches on stop: {}", e.toString());
      }
      kafka.close();
      consumer = null;
      synchronized (lock) {
        waiting.clear();
        fetchPaused = false;
      }
      assigned.clear();
      offsets.clear();
    }
  }

  private void commit(Consumer<String, String> kafka, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
    offsets.forEach(
        (partition, o) -> {
          long position = o.position();
          if (position >= 0 && position != o.committed) {
            positions.put(partition, new OffsetAndMetadata(position));
            o.committed = position;
          }
        });
    if (positions.isEmpty()) {
      return;
    }
    if (sync) {
      kafka.commitSync(positions);
    } else {
      kafka.commitAsync(
          positions,
          (done, e) -> {
            if (e != null) {
              log.debug(
                  "Commit of dispatch offsets failed, a later one covers it: {}", e.toString());
              done.forEach((p, m) -> forgetCommitted(p));
            }
          });
    }
  }

  private void forgetCommitted(TopicPartition partition) {
    Offsets o = offsets.get(partition);
    if (o != null) {
      o.committed = -1;
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    private final Consumer<String, String> kafka;

    Rebalance(Consumer<String, String> kafka) {
      this.kafka = kafka;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
      for (TopicPartition partition : partitions) {
        Offsets o = offsets.get(partition);
        if (o != null && o.position() >= 0 && o.position() != o.committed) {
          positions.put(partition, new OffsetAndMetadata(o.position()));
        }
      }
      if (!positions.isEmpty()) {
        try {
          kafka.commitSync(positions);
        } catch (WakeupException e) {
          kafka.commitSync(positions);
        } catch (RuntimeException e) {
          log.warn("Could not commit settled dispatches of revoked partitions: {}", e.toString());
        }
      }
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned.addAll(partitions);
    }

    /** The records of partitions no longer ours are the new owner's; claims in flight go on. */
    private void forget(Collection<TopicPartition> partitions) {
      partitions.forEach(
          p -> {
            offsets.remove(p);
            assigned.remove(p);
          });
      synchronized (lock) {
        waiting.removeIf(pending -> partitions.contains(pending.partition()));
      }
    }
  }

  private static String traceParent(ConsumerRecord<String, String> record) {
    var header = record.headers().lastHeader(TaskTraces.HEADER);
    return header == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
  }

  private TaskDispatch read(ConsumerRecord<String, String> record) {
    try {
      return json.readValue(record.value(), TaskDispatch.class);
    } catch (JacksonException e) {
      log.error(
          "Dropping unreadable dispatch record at offset {}: {}",
          record.offset(),
          e.getOriginalMessage());
      return null;
    }
  }

  // --- hand-off -------------------------------------------------------------------------------

  /** Gives waiting records to free slots, claiming each on a thread of its own. */
  private void takeWhileSlotsFree() {
    while (true) {
      Pending next;
      boolean wake = false;
      synchronized (lock) {
        if (waiting.isEmpty()) {
          if (fetchPaused && slots.anyFree()) {
            idleSlotWaits.increment();
          }
          return;
        }
        if (!slots.tryTake()) {
          return;
        }
        next = waiting.poll();
        if (fetchPaused && waiting.size() <= low) {
          fetchPaused = false;
          wake = true;
        }
      }
      if (wake) {
        Consumer<String, String> current = consumer;
        if (current != null) {
          current.wakeup();
        }
      }
      boolean claimingNow = claiming.add(next.attempt());
      if (!claimingNow || tasks.holds(next.task().taskId(), next.task().attempt())) {
        // a repeat of an attempt this runner is claiming or running
        if (claimingNow) {
          claiming.remove(next.attempt());
        }
        slots.release();
        settle(next);
        continue;
      }
      Pending claimed = next;
      claims.execute(
          () ->
              traces.inTrace(
                  claimed.traceParent(),
                  "task claim",
                  () -> {
                    claimAndStart(claimed);
                    return null;
                  }));
    }
  }

  private void settle(Pending pending) {
    pending.offsets().open.remove(pending.offset());
  }

  private void slotFreed() {
    slots.release();
    takeWhileSlotsFree();
  }

  /** Claims the attempt in the slot already taken for it; a granted task starts at once. */
  private void claimAndStart(Pending pending) {
    TaskDispatch dispatch = pending.task();
    try {
      switch (ledger.claim(dispatch.taskId(), dispatch.attempt())) {
        case LedgerClient.ClaimOutcome.Granted granted -> {
          tasks.start(granted.task(), this::slotFreed);
          claiming.remove(pending.attempt());
          settle(pending);
        }
        case LedgerClient.ClaimOutcome.Refused refused -> {
          log.info(
              "Task {} attempt {} not claimable ({}), dropping the dispatch",
              dispatch.taskId(),
              dispatch.attempt(),
              refused.status());
          claiming.remove(pending.attempt());
          settle(pending);
          slotFreed();
        }
      }
    } catch (RestClientException e) {
      log.warn(
          "Claim of task {} failed, trying again in {}: {}",
          dispatch.taskId(),
          RETRY_CLAIM_AFTER,
          e.toString());
      claiming.remove(pending.attempt());
      slotFreed();
      retryLater(pending);
    } catch (RuntimeException e) {
      claiming.remove(pending.attempt());
      slotFreed();
      throw e;
    }
  }

  private void retryLater(Pending pending) {
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                Thread.sleep(RETRY_CLAIM_AFTER);
              } catch (InterruptedException e) {
                return;
              }
              // a partition revoked meanwhile is the new owner's
              if (offsets.get(pending.partition()) != pending.offsets()) {
                return;
              }
              synchronized (lock) {
                waiting.addFirst(pending);
              }
              takeWhileSlotsFree();
            });
  }
}

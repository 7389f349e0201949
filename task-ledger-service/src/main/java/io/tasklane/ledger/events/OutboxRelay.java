package io.tasklane.ledger.events;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tasklane.ledger.LedgerProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to Kafka in id order, then stamps them with a publication sequence. One
 * relay at a time across all ledger replicas (a transaction-scoped advisory lock), so per-task
 * order holds and the publication sequence grows in the order rows become visible.
 */
@Component
class OutboxRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final long RELAY_LOCK = 0x7461736b6c616e65L;
  private static final int LOCKED_ELSEWHERE = -1;
  private static final long CONTENDED_RETRY_MS = 2;

  private final JdbcClient jdbc;
  private final KafkaTemplate<String, String> kafka;
  private final TransactionTemplate tx;
  private final LedgerProperties.Relay settings;
  private final boolean enabled;
  private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>(1);
  private volatile Thread worker;
  private final Timer publishDelay;

  OutboxRelay(
      JdbcClient jdbc,
      KafkaTemplate<String, String> kafka,
      TransactionTemplate tx,
      LedgerProperties properties,
      MeterRegistry meters,
      @Value("${tasklane.ledger.relay.enabled:true}") boolean enabled) {
    this.jdbc = jdbc;
    this.kafka = kafka;
    this.tx = tx;
    this.settings = properties.relay();
    this.enabled = enabled;
    this.publishDelay =
        Timer.builder("tasklane.outbox.publish.delay")
            .description("From an outbox message's time to its publication acknowledged by Kafka")
            .publishPercentiles(0.5, 0.99)
            .register(meters);
    Gauge.builder("tasklane.outbox.backlog", this, OutboxRelay::backlog)
        .description("Outbox messages written but not yet published")
        .register(meters);
  }

  void wake() {
    wakeups.offer(Boolean.TRUE);
  }

  @Override
  public void start() {
    if (!enabled) {
      log.warn("Outbox relay disabled: messages stay in the outbox until a relay runs");
      return;
    }
    // Assigned before it starts: the loop runs only while it is the current worker.
    Thread thread = Thread.ofVirtual().name("outbox-relay").unstarted(this::run);
    worker = thread;
    thread.start();
  }

  @Override
  public void stop() {
    Thread current = worker;
    worker = null;
    if (current != null) {
      current.interrupt();
      try {
        current.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return worker != null;
  }

  private void run() {
    int contended = 0;
    while (worker == Thread.currentThread()) {
      try {
        int published;
        while ((published = publishBatch()) == settings.batchSize()) {
          // a full batch: more may be waiting
        }
        if (published == LOCKED_ELSEWHERE) {
          // another replica's relay is publishing; rows committed here after its read are not in
          // its batch, so look again as soon as it is done rather than after the interval
          contended++;
          if (contended * CONTENDED_RETRY_MS < settings.interval().toMillis()) {
            Thread.sleep(CONTENDED_RETRY_MS);
            continue;
          }
        }
        contended = 0;
        wakeups.poll(settings.interval().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Outbox relay could not publish, retrying: {}", e.getMessage());
        sleepQuietly();
      }
    }
  }

  /**
   * Publishes one batch; returns how many rows it published, or {@code LOCKED_ELSEWHERE} when
   * another relay holds the lock.
   */
  int publishBatch() {
    Integer published =
        tx.execute(
            status -> {
              boolean locked =
                  jdbc.sql("select pg_try_advisory_xact_lock(:key)")
                      .param("key", RELAY_LOCK)
                      .query(Boolean.class)
                      .single();
              if (!locked) {
                return LOCKED_ELSEWHERE;
              }
              List<Row> rows =
                  jdbc.sql(
                          """
                          select id, topic, message_key, payload::text as payload, created_at,
                            trace_parent
                          from outbox where published_seq is null order by id limit :limit
                          """)
                      .param("limit", settings.batchSize())
                      .query(Row.class)
                      .list();
              if (rows.isEmpty()) {
                return 0;
              }
              send(rows);
              Instant sent = Instant.now();
              for (Row row : rows) {
                publishDelay.record(Duration.between(row.createdAt().toInstant(), sent));
              }
              jdbc.sql(
                      """
                      update outbox o set published_seq = s.seq, published_at = now()
                      from (select id, nextval('outbox_published_seq') as seq
                            from (select unnest(:ids::bigint[]) as id order by 1) ids) s
                      where o.id = s.id
                      """)
                  .param("ids", rows.stream().map(Row::id).toArray(Long[]::new))
                  .update();
              return rows.size();
            });
    return published == null ? 0 : published;
  }

  private void send(List<Row> rows) {
    List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
    for (Row row : rows) {
      var record = new ProducerRecord<>(row.topic(), row.messageKey(), row.payload());
      if (row.traceParent() != null) {
        record
            .headers()
            .add(TraceContext.HEADER, row.traceParent().getBytes(StandardCharsets.US_ASCII));
      }
      sends.add(kafka.send(record));
    }
    kafka.flush();
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
        .orTimeout(30, TimeUnit.SECONDS)
        .join();
  }

  private long backlog() {
    return jdbc.sql("select count(*) from outbox where published_seq is null")
        .query(Long.class)
        .single();
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(settings.interval().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  record Row(
      long id,
      String topic,
      String messageKey,
      String payload,
      OffsetDateTime createdAt,
      String traceParent) {}
}

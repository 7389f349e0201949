package io.tasklane.ledger.events;

import io.tasklane.contracts.Topics;
import io.tasklane.ledger.LedgerProperties;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Fans published lifecycle events out to open SSE connections. One poller per ledger replica reads
 * what was published since it last looked, whichever replica published it; each subscriber first
 * replays from storage, then follows live, never sending a sequence twice.
 *
 * <p>A stream opens with a {@code retry:} line and a comment, so its status and headers reach the
 * client at once even when nothing is ever published, and carries a heartbeat comment on an
 * interval so no proxy in between takes it for idle.
 *
 * <p>On shutdown the streams are ended before the web server drains its requests: an open stream
 * would otherwise hold the graceful shutdown for its whole timeout, and a client resumes with
 * {@code Last-Event-ID} on another replica without missing anything.
 */
@Component
class EventStreams implements SmartLifecycle {

  private static final int BATCH = 1000;
  private static final long RECONNECT_MILLIS = 3000;

  private final JdbcClient jdbc;
  private final LedgerProperties.Events settings;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private volatile long polledUpTo;
  private long lastHeartbeat = System.nanoTime();
  private volatile boolean running;

  EventStreams(JdbcClient jdbc, LedgerProperties properties) {
    this.jdbc = jdbc;
    this.settings = properties.events();
    // From before the first subscriber can connect: whatever is published later is fanned out.
    this.polledUpTo = latestSequence();
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    for (Subscriber subscriber : subscribers) {
      synchronized (subscriber) {
        subscriber.end();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  record Published(long sequence, String tenant, UUID taskId, String payload) {}

  long latestSequence() {
    return jdbc.sql(
            "select coalesce(max(published_seq), 0) from outbox where published_seq is not null")
        .query(Long.class)
        .single();
  }

  SseEmitter open(String tenant, UUID taskId, long after) {
    SseEmitter emitter = new SseEmitter(settings.sseTimeout().toMillis());
    Subscriber subscriber = new Subscriber(emitter, tenant, taskId, after);
    emitter.onCompletion(() -> subscribers.remove(subscriber));
    emitter.onTimeout(() -> subscribers.remove(subscriber));
    emitter.onError(e -> subscribers.remove(subscriber));
    synchronized (subscriber) {
      // Registered under its lock, so the poller cannot move its cursor past the backlog.
      subscribers.add(subscriber);
      subscriber.open();
      List<Published> backlog;
      do {
        backlog = read(subscriber.cursor, tenant, taskId);
        backlog.forEach(subscriber::send);
      } while (backlog.size() == BATCH && !subscriber.closed);
    }
    return emitter;
  }

  @Scheduled(fixedDelayString = "${tasklane.ledger.events.poll-interval:250ms}")
  void poll() {
    List<Published> fresh;
    do {
      fresh = read(polledUpTo, null, null);
      for (Published event : fresh) {
        for (Subscriber subscriber : subscribers) {
          if (subscriber.wants(event)) {
            synchronized (subscriber) {
              subscriber.send(event);
            }
          }
        }
        polledUpTo = event.sequence();
      }
    } while (fresh.size() == BATCH);
    heartbeat();
  }

  private void heartbeat() {
    if (System.nanoTime() - lastHeartbeat < settings.heartbeat().toNanos()) {
      return;
    }
    lastHeartbeat = System.nanoTime();
    for (Subscriber subscriber : subscribers) {
      synchronized (subscriber) {
        subscriber.send(SseEmitter.event().comment("heartbeat"));
      }
    }
  }

  private List<Published> read(long after, String tenant, UUID taskId) {
    StringBuilder sql =
        new StringBuilder(
            "select published_seq, tenant, task_id, payload::text from outbox"
                + " where topic = :topic and published_seq > :after");
    if (tenant != null) {
      sql.append(" and tenant = :tenant");
    }
    if (taskId != null) {
      sql.append(" and task_id = :taskId");
    }
    sql.append(" and published_seq is not null order by published_seq limit ").append(BATCH);
    var statement =
        jdbc.sql(sql.toString()).param("topic", Topics.TASK_LIFECYCLE).param("after", after);
    if (tenant != null) {
      statement = statement.param("tenant", tenant);
    }
    if (taskId != null) {
      statement = statement.param("taskId", taskId);
    }
    return statement
        .query(
            (rs, i) ->
                new Published(
                    rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4)))
        .list();
  }

  private final class Subscriber {
    private final SseEmitter emitter;
    private final String tenant;
    private final UUID taskId;
    private long cursor;
    private boolean closed;

    Subscriber(SseEmitter emitter, String tenant, UUID taskId, long cursor) {
      this.emitter = emitter;
      this.tenant = tenant;
      this.taskId = taskId;
      this.cursor = cursor;
    }

    boolean wants(Published event) {
      return event.tenant().equals(tenant) && (taskId == null || taskId.equals(event.taskId()));
    }

    void send(Published event) {
      if (closed || event.sequence() <= cursor) {
        return;
      }
      try {
        emitter.send(
            SseEmitter.event()
                .id(Long.toString(event.sequence()))
                .name("lifecycle")
                .data(event.payload(), MediaType.APPLICATION_JSON));
        cursor = event.sequence();
      } catch (IOException | IllegalStateException e) {
        close();
      }
    }

    void open() {
      send(SseEmitter.event().reconnectTime(RECONNECT_MILLIS).comment("stream open"));
    }

    void send(SseEmitter.SseEventBuilder comment) {
      if (closed) {
        return;
      }
      try {
        emitter.send(comment);
      } catch (IOException | IllegalStateException e) {
        close();
      }
    }

    void end() {
      if (!closed) {
        close();
        emitter.complete();
      }
    }

    private void close() {
      closed = true;
      subscribers.remove(this);
    }
  }
}

package io.tasklane.notifier.inbox;

import io.tasklane.notifier.NotifierProperties;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live inbox subscribers. Every subscriber reads from the database after the last id it sent, so a
 * replay after reconnect and a live message take the same path and nothing is sent twice. A
 * periodic sweep also catches messages written by another replica.
 *
 * <p>A stream opens with a {@code retry:} line and a comment, so its status and headers reach the
 * client at once even on a quiet session, and carries a heartbeat comment on an interval so no
 * proxy in between takes it for idle.
 */
@Component
class InboxStreams implements SmartLifecycle {

  private static final int READ_BATCH = 200;
  private static final long RECONNECT_MILLIS = 3000;

  private final ObjectProvider<Inbox> inbox;
  private final NotifierProperties.Inbox settings;
  private final TaskScheduler scheduler;
  private final Map<String, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
  private ScheduledFuture<?> sweeping;
  private ScheduledFuture<?> heartbeats;

  InboxStreams(
      ObjectProvider<Inbox> inbox, NotifierProperties properties, TaskScheduler scheduler) {
    this.inbox = inbox;
    this.settings = properties.inbox();
    this.scheduler = scheduler;
  }

  SseEmitter subscribe(String tenant, String sessionKey, long lastEventId) {
    var emitter = new SseEmitter(settings.streamTimeout().toMillis());
    var subscriber = new Subscriber(tenant, sessionKey, emitter, lastEventId);
    try {
      emitter.send(SseEmitter.event().reconnectTime(RECONNECT_MILLIS).comment("stream open"));
    } catch (IOException e) {
      emitter.completeWithError(e);
      return emitter;
    }
    String key = key(tenant, sessionKey);
    subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
    Runnable remove = () -> subscribers.getOrDefault(key, Set.of()).remove(subscriber);
    emitter.onCompletion(remove);
    emitter.onTimeout(remove);
    emitter.onError(error -> remove.run());
    senders.execute(() -> pump(subscriber));
    return emitter;
  }

  void wake(String tenant, String sessionKey) {
    subscribers
        .getOrDefault(key(tenant, sessionKey), Set.of())
        .forEach(subscriber -> senders.execute(() -> pump(subscriber)));
  }

  private void sweep() {
    subscribers.values().stream()
        .flatMap(Set::stream)
        .forEach(subscriber -> senders.execute(() -> pump(subscriber)));
  }

  private void heartbeat() {
    subscribers.values().stream()
        .flatMap(Set::stream)
        .forEach(subscriber -> senders.execute(() -> heartbeat(subscriber)));
  }

  private void heartbeat(Subscriber subscriber) {
    if (!subscriber.lock.tryLock()) {
      return; // a pump is sending, which keeps the stream alive as well
    }
    try {
      subscriber.emitter.send(SseEmitter.event().comment("heartbeat"));
    } catch (IOException | IllegalStateException e) {
      subscriber.emitter.completeWithError(e);
    } finally {
      subscriber.lock.unlock();
    }
  }

  private void pump(Subscriber subscriber) {
    if (!subscriber.lock.tryLock()) {
      subscriber.again = true;
      return;
    }
    try {
      do {
        subscriber.again = false;
        List<InboxMessage> messages;
        do {
          messages =
              inbox
                  .getObject()
                  .after(subscriber.tenant, subscriber.sessionKey, subscriber.lastSent, READ_BATCH);
          for (InboxMessage message : messages) {
            subscriber.emitter.send(
                SseEmitter.event()
                    .id(Long.toString(message.id()))
                    .name("task-update")
                    .data(message, MediaType.APPLICATION_JSON));
            subscriber.lastSent = message.id();
          }
        } while (messages.size() == READ_BATCH);
      } while (subscriber.again);
    } catch (IOException | IllegalStateException e) {
      subscriber.emitter.completeWithError(e);
    } finally {
      subscriber.lock.unlock();
    }
  }

  @Override
  public synchronized void start() {
    sweeping = scheduler.scheduleWithFixedDelay(this::sweep, settings.streamPollInterval());
    heartbeats = scheduler.scheduleWithFixedDelay(this::heartbeat, settings.heartbeat());
  }

  @Override
  public synchronized void stop() {
    sweeping.cancel(false);
    sweeping = null;
    heartbeats.cancel(false);
    heartbeats = null;
    subscribers.values().stream().flatMap(Set::stream).forEach(s -> s.emitter.complete());
    subscribers.clear();
  }

  @Override
  public synchronized boolean isRunning() {
    return sweeping != null;
  }

  private static String key(String tenant, String sessionKey) {
    return tenant + '\u0000' + sessionKey;
  }

  private static final class Subscriber {
    final String tenant;
    final String sessionKey;
    final SseEmitter emitter;
    final ReentrantLock lock = new ReentrantLock();
    volatile long lastSent;
    volatile boolean again;

    Subscriber(String tenant, String sessionKey, SseEmitter emitter, long lastSent) {
      this.tenant = tenant;
      this.sessionKey = sessionKey;
      this.emitter = emitter;
      this.lastSent = lastSent;
    }
  }
}

package io.tasklane.notifier.telegram;

import io.tasklane.notifier.NotifierProperties;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Receives the operators' answers from Telegram: by long polling {@code getUpdates} (the default),
 * or by registering the webhook Telegram then posts to ({@link TelegramWebhookController}). Each
 * update is taken (its offset stored) before it is handled, so a restart neither loses the offset
 * nor handles an update twice; one that a crash cut off mid-handling is not handled again (the
 * operator sees no answer and can press again).
 */
@Component
class TelegramUpdates implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(TelegramUpdates.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final NotifierProperties.Telegram settings;
  private final TelegramBotClient client;
  private final UpdateOffsets offsets;
  private final TelegramUpdateHandler handler;
  private volatile Thread receiver;

  TelegramUpdates(
      NotifierProperties properties,
      TelegramBotClient client,
      UpdateOffsets offsets,
      TelegramUpdateHandler handler) {
    this.settings = properties.telegram();
    this.client = client;
    this.offsets = offsets;
    this.handler = handler;
  }

  @Override
  public synchronized void start() {
    if (!settings.configured() || settings.updates() == NotifierProperties.Telegram.Updates.OFF) {
      return;
    }
    Runnable work =
        settings.updates() == NotifierProperties.Telegram.Updates.WEBHOOK
            ? this::registerWebhook
            : this::poll;
    receiver = Thread.ofVirtual().name("telegram-updates").start(work);
  }

  @Override
  public synchronized void stop() {
    Thread running = receiver;
    receiver = null;
    if (running != null) {
      running.interrupt();
      try {
        running.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return receiver != null;
  }

  /** An update Telegram posted to the webhook: taken once, then handled. */
  void receive(JsonNode update) throws InterruptedException {
    long id = update.path("update_id").asLong(-1);
    if (id < 0) {
      return;
    }
    if (offsets.take(settings.botId(), id)) {
      handler.handle(update);
    }
  }

  private void poll() {
    retrying("deleteWebhook", client::deleteWebhook);
    log.info("Receiving Telegram answers by long polling");
    Duration backoff = Duration.ofSeconds(1);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        List<JsonNode> updates =
            client.getUpdates(offsets.next(settings.botId()), settings.pollTimeout());
        for (JsonNode update : updates) {
          handleOne(update);
        }
        backoff = Duration.ofSeconds(1);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Telegram updates: {}; again in {}s", describe(e), backoff.toSeconds());
        if (!sleep(backoff)) {
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  private void handleOne(JsonNode update) throws InterruptedException {
    try {
      receive(update);
    } catch (RuntimeException e) {
      log.warn(
          "Telegram update {} could not be handled: {}",
          update.path("update_id").asLong(),
          e.getClass().getSimpleName());
    }
  }

  private void registerWebhook() {
    if (settings.webhookUrl() == null
        || settings.webhookSecret() == null
        || settings.webhookSecret().isBlank()) {
      log.warn(
          "tasklane.notifier.telegram.updates=webhook needs webhook-url and webhook-secret;"
              + " no answers are received");
      return;
    }
    retrying(
        "setWebhook", () -> client.setWebhook(settings.webhookUrl(), settings.webhookSecret()));
    log.info("Receiving Telegram answers by webhook at {}", settings.webhookUrl());
  }

  private interface Call {
    void run() throws InterruptedException;
  }

  private void retrying(String what, Call call) {
    Duration backoff = Duration.ofSeconds(1);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        call.run();
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("Telegram {}: {}; again in {}s", what, describe(e), backoff.toSeconds());
        if (!sleep(backoff)) {
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  /**
   * What went wrong, safe to log: the Bot API's own words, or only the kind of failure (other
   * exceptions may quote the request URL, which holds the token).
   */
  private static String describe(RuntimeException e) {
    return e instanceof TelegramBotClient.TelegramUnavailable
        ? e.getMessage()
        : e.getClass().getName();
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

package io.tasklane.notifier.telegram;

import io.tasklane.notifier.NotifierProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Hands out send slots: one per chat every {@code perChatInterval}, and across all chats evenly
 * spaced, never more than {@code globalPerSecond} in any second as Telegram sees them. A burst gets
 * later slots, never a refusal. Limits hold per notifier replica.
 *
 * <p>Telegram receives a request at some instant between our sending it and our reading the answer,
 * and neither clock nor thread wake-ups tell us which. So a request counts against the global
 * window from its start until one second after its answer (for as long as it is in flight), and a
 * chat's next request waits a full interval after the previous answer: both limits then hold at the
 * receiver whatever the request travelled, not only by the notifier's clock.
 */
@Component
class TelegramRateLimiter {

  private static final int PRUNE_ABOVE = 10_000;
  private static final long SECOND = 1_000_000_000L;

  private final long perChatNanos;
  private final long globalNanos;
  private final int globalPerSecond;
  private final Map<String, Long> chatNext = new HashMap<>();
  private final ArrayDeque<Long> answeredAt = new ArrayDeque<>();
  private int inFlight;
  private long globalNext = System.nanoTime();

  TelegramRateLimiter(NotifierProperties properties) {
    this.perChatNanos = properties.telegram().perChatInterval().toNanos();
    this.globalPerSecond = properties.telegram().globalPerSecond();
    this.globalNanos = Math.ceilDiv(SECOND, globalPerSecond);
  }

  /**
   * Waits for this chat's next slot and takes it; when that slot is more than {@code maxWait} away
   * nothing is taken and the instant it would have been is returned instead. A slot taken must be
   * given back with {@link #answered} once the request is answered (or has failed).
   */
  Optional<Instant> acquire(String chatId, Duration maxWait) throws InterruptedException {
    long slot;
    synchronized (this) {
      long now = System.nanoTime();
      slot = Math.max(now, Math.max(chatNext.getOrDefault(chatId, now), globalNext));
      if (slot - now > maxWait.toNanos()) {
        return Optional.of(Instant.now().plusNanos(slot - now));
      }
      chatNext.put(chatId, slot + perChatNanos);
      globalNext = slot + globalNanos;
      if (chatNext.size() > PRUNE_ABOVE) {
        chatNext.values().removeIf(next -> next < now);
      }
    }
    long wait = slot - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(Duration.ofNanos(wait));
    }
    awaitWindow();
    return Optional.empty();
  }

  /**
   * Takes a place in the window of the last second: requests in flight and requests answered less
   * than a second ago together stay below {@code globalPerSecond}.
   */
  private void awaitWindow() throws InterruptedException {
    while (true) {
      long wait;
      synchronized (this) {
        long now = System.nanoTime();
        while (!answeredAt.isEmpty() && now - answeredAt.peekFirst() >= SECOND) {
          answeredAt.pollFirst();
        }
        if (inFlight + answeredAt.size() < globalPerSecond) {
          inFlight++;
          return;
        }
        // all in flight: the first answer frees nothing for a second, so look again shortly
        wait = answeredAt.isEmpty() ? globalNanos : answeredAt.peekFirst() + SECOND - now;
      }
      Thread.sleep(Duration.ofNanos(Math.max(wait, 1)));
    }
  }

  /**
   * The request a slot was taken for has been answered, or has failed. The chat's next request
   * waits a full interval from now, so the spacing holds where Telegram measures it, however long
   * this request travelled.
   */
  synchronized void answered(String chatId) {
    long now = System.nanoTime();
    inFlight--;
    answeredAt.addLast(now);
    chatNext.merge(chatId, now + perChatNanos, Math::max);
  }

  /** Telegram asked us to leave this chat alone for a while. */
  synchronized void backOff(String chatId, Duration retryAfter) {
    long until = System.nanoTime() + retryAfter.toNanos();
    chatNext.merge(chatId, until, Math::max);
  }
}

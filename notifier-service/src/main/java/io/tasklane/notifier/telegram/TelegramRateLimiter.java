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
 * spaced so that no second holds more than {@code globalPerSecond}. A burst gets later slots, never
 * a refusal. Limits hold per notifier replica.
 */
@Component
class TelegramRateLimiter {

  private static final int PRUNE_ABOVE = 10_000;

  private final long perChatNanos;
  private final long globalNanos;
  private final int globalPerSecond;
  private final Map<String, Long> chatNext = new HashMap<>();
  private final ArrayDeque<Long> recentStarts = new ArrayDeque<>();
  private long globalNext = System.nanoTime();

  TelegramRateLimiter(NotifierProperties properties) {
    this.perChatNanos = properties.telegram().perChatInterval().toNanos();
    this.globalPerSecond = properties.telegram().globalPerSecond();
    this.globalNanos = Math.ceilDiv(1_000_000_000L, globalPerSecond);
  }

  /**
   * Waits for this chat's next slot and takes it; when that slot is more than {@code maxWait} away
   * nothing is taken and the instant it would have been is returned instead.
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
    awaitRollingSecond();
    return Optional.empty();
  }

  /**
   * Slots are evenly spaced, but threads wake late on a busy machine and late sends bunch up. The
   * actual send instants are therefore counted too: never more than {@code globalPerSecond} in any
   * rolling second.
   */
  private void awaitRollingSecond() throws InterruptedException {
    while (true) {
      long wait;
      synchronized (this) {
        long now = System.nanoTime();
        while (!recentStarts.isEmpty() && now - recentStarts.peekFirst() >= 1_000_000_000L) {
          recentStarts.pollFirst();
        }
        if (recentStarts.size() < globalPerSecond) {
          recentStarts.addLast(now);
          return;
        }
        wait = recentStarts.peekFirst() + 1_000_000_000L - now;
      }
      Thread.sleep(Duration.ofNanos(Math.max(wait, 1)));
    }
  }

  /**
   * A request to this chat has just been answered. The next one waits a full interval from now, so
   * the spacing holds where Telegram measures it, however long this request travelled.
   */
  synchronized void answered(String chatId) {
    chatNext.merge(chatId, System.nanoTime() + perChatNanos, Math::max);
  }

  /** Telegram asked us to leave this chat alone for a while. */
  synchronized void backOff(String chatId, Duration retryAfter) {
    long until = System.nanoTime() + retryAfter.toNanos();
    chatNext.merge(chatId, until, Math::max);
  }
}

package io.tasklane.notifier.delivery;

import java.time.Instant;

/** The result of one delivery attempt. */
public sealed interface Attempt {

  /** Everything arrived. */
  record Delivered(int partsSent) implements Attempt {}

  /**
   * Worth trying again, not before {@code notBefore} (null: by backoff only); {@code partsSent}
   * parts of a split message already arrived and are not sent again.
   */
  record RetryLater(String reason, Instant notBefore, int partsSent) implements Attempt {}

  /** Will never succeed. */
  record Failed(String reason) implements Attempt {}

  /** Stopped before sending: the channel's rate limit has no slot before {@code until}. */
  record Postponed(Instant until, int partsSent) implements Attempt {}
}

package io.tasklane.notifier.delivery;

import io.tasklane.backend.DatabaseUnavailable;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what was sent even while the database is away: a send that is not recorded is sent again
 * by whoever takes the delivery over, so the record is tried again (backing off up to 5 s) for a
 * while rather than given up at the first error. A record that lands late still stops the next
 * holder, which checks the record right before it sends.
 */
final class OutcomeStore {

  private static final Logger log = LoggerFactory.getLogger(OutcomeStore.class);
  private static final Duration KEEP_TRYING = Duration.ofMinutes(2);

  private OutcomeStore() {}

  static void untilStored(String what, Runnable write) {
    long deadline = System.nanoTime() + KEEP_TRYING.toNanos();
    long backoffMillis = 200;
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          write.run();
          return;
        } catch (RuntimeException e) {
          if (!DatabaseUnavailable.isCause(e) || System.nanoTime() > deadline) {
            log.warn("Could not record the outcome of {}: {}", what, e.toString());
            return;
          }
        }
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException e) {
          // a stop: the outcome still has to be stored
          interrupted = true;
        }
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

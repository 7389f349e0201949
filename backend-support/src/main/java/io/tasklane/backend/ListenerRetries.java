package io.tasklane.backend;

import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * What a backend's Kafka listener does with a record it could not take in. While the database
 * cannot be reached it tries the same record again, backing off up to 5 s, for as long as the
 * outage lasts: the offset is not committed, so nothing accepted is skipped or lost. Any other
 * failure is tried ten times in a row and then logged and skipped, so one malformed record cannot
 * stop the stream.
 */
public final class ListenerRetries {

  private ListenerRetries() {}

  public static DefaultErrorHandler untilTheDatabaseIsBack() {
    ExponentialBackOff outage = new ExponentialBackOff(200, 2.0);
    outage.setMaxInterval(5_000);
    DefaultErrorHandler handler = new DefaultErrorHandler();
    handler.setBackOffFunction((record, e) -> DatabaseUnavailable.isCause(e) ? outage : null);
    return handler;
  }
}

package io.tasklane.notifier.delivery;

import io.tasklane.backend.DatabaseUnavailable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * What the lifecycle listener does with an event it could not take in. While the database cannot be
 * reached it tries the same event again, backing off up to 5 s, for as long as the outage lasts:
 * the offset is not committed, so no event is skipped and none is lost. Any other failure is tried
 * ten times in a row and then logged and skipped, as before, so one malformed event cannot stop the
 * stream.
 */
@Configuration(proxyBeanMethods = false)
class ListenerErrors {

  @Bean
  DefaultErrorHandler lifecycleListenerErrors() {
    ExponentialBackOff untilTheDatabaseIsBack = new ExponentialBackOff(200, 2.0);
    untilTheDatabaseIsBack.setMaxInterval(5_000);
    DefaultErrorHandler handler = new DefaultErrorHandler();
    handler.setBackOffFunction(
        (record, e) -> DatabaseUnavailable.isCause(e) ? untilTheDatabaseIsBack : null);
    return handler;
  }
}

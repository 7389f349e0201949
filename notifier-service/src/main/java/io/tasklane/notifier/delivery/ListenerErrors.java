package io.tasklane.notifier.delivery;

import io.tasklane.backend.ListenerRetries;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.DefaultErrorHandler;

/**
 * The lifecycle listener retries an event for as long as the database is away and skips only a
 * record that fails otherwise ({@link ListenerRetries}).
 */
@Configuration(proxyBeanMethods = false)
class ListenerErrors {

  @Bean
  DefaultErrorHandler lifecycleListenerErrors() {
    return ListenerRetries.untilTheDatabaseIsBack();
  }
}

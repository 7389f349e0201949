package io.tasklane.ledger.runners;

import io.tasklane.backend.ListenerRetries;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;

/**
 * The runner reports' consumers take a poll's records as one batch and commit their offsets once
 * the batch is applied, retrying a report for as long as the database is away; every other listener
 * keeps the application's settings.
 */
@Configuration
class ReportConsumers {

  static final String BATCH_FACTORY = "runnerReportListenerFactory";

  @Bean(BATCH_FACTORY)
  ConcurrentKafkaListenerContainerFactory<Object, Object> runnerReportListenerFactory(
      ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
      ConsumerFactory<Object, Object> consumers) {
    ConcurrentKafkaListenerContainerFactory<Object, Object> factory =
        new ConcurrentKafkaListenerContainerFactory<>();
    configurer.configure(factory, consumers);
    factory.setBatchListener(true);
    factory.getContainerProperties().setAckMode(AckMode.BATCH);
    return factory;
  }

  /**
   * Every listener of the ledger (runner and delivery reports): a report is never skipped because
   * the database is away, however long the outage lasts. Boot's configurer gives it to both
   * container factories.
   */
  @Bean
  DefaultErrorHandler reportListenerErrors() {
    return ListenerRetries.untilTheDatabaseIsBack();
  }
}

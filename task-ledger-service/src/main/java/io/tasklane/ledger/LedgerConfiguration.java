package io.tasklane.ledger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration
class LedgerConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  MeterBinder taskGauges(JdbcClient jdbc) {
    return meters -> registerTaskGauges(meters, jdbc);
  }

  private static void registerTaskGauges(MeterRegistry meters, JdbcClient jdbc) {
    for (String status : new String[] {"queued", "running"}) {
      Gauge.builder(
              "tasklane.tasks." + status,
              jdbc,
              db ->
                  db.sql("select count(*) from tasks where status = :status")
                      .param("status", status)
                      .query(Long.class)
                      .single())
          .description("Tasks currently " + status)
          .register(meters);
    }
  }
}

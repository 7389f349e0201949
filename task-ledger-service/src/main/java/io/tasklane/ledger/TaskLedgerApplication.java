package io.tasklane.ledger;

import io.tasklane.backend.BackendBoundary;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@Import(BackendBoundary.class)
@ConfigurationPropertiesScan
@EnableScheduling
@EnableResilientMethods
public class TaskLedgerApplication {

  public static void main(String[] args) {
    SpringApplication.run(TaskLedgerApplication.class, args);
  }
}

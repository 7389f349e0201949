package io.tasklane.runner;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class RunnerApplication {

  public static void main(String[] args) {
    SpringApplication.run(RunnerApplication.class, args);
  }
}

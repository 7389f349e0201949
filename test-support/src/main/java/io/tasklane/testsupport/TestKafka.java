package io.tasklane.testsupport;

import io.tasklane.contracts.Topics;
import java.util.stream.Stream;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real Kafka broker for tests: the in-JVM KRaft broker of spring-kafka-test, started once per
 * test JVM with every Tasklane topic created.
 */
public final class TestKafka {

  private static final int PARTITIONS = 3;
  private static volatile TestKafka instance;

  private final EmbeddedKafkaKraftBroker broker;

  private TestKafka(String... extraTopics) {
    String[] topics =
        Stream.concat(
                Stream.of(
                    Topics.TASK_DISPATCH,
                    Topics.TASK_CONTROL,
                    Topics.RUNNER_REPORTS,
                    Topics.TASK_LIFECYCLE,
                    Topics.DELIVERY_REPORTS),
                Stream.of(extraTopics))
            .toArray(String[]::new);
    broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS, topics);
    broker.afterPropertiesSet();
    Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "tasklane-test-kafka-stop"));
  }

  /** The broker for this test JVM, started on first use. */
  public static TestKafka get() {
    TestKafka local = instance;
    if (local == null) {
      synchronized (TestKafka.class) {
        local = instance;
        if (local == null) {
          local = new TestKafka();
          instance = local;
        }
      }
    }
    return local;
  }

  public String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  /** Points a Spring test context's Kafka clients at this broker. */
  public void register(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", this::bootstrapServers);
  }
}

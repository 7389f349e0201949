package io.tasklane.testsupport;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads every runner report ({@link Topics#RUNNER_REPORTS}) put on the broker after it started, on
 * all partitions and without a consumer group, read as the ledger reads them, and hands each one to
 * a listener on its own daemon thread.
 */
public final class RunnerReportReader implements AutoCloseable {

  private final JsonMapper json = JsonMapper.builder().build();
  private final Thread reader;
  private volatile boolean running = true;

  private RunnerReportReader(String bootstrap, Consumer<RunnerReport> listener) {
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.RUNNER_REPORTS).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    reader =
        Thread.ofPlatform()
            .name("runner-reports")
            .daemon()
            .start(
                () -> {
                  try (consumer) {
                    while (running) {
                      consumer
                          .poll(Duration.ofMillis(50))
                          .forEach(
                              r -> listener.accept(json.readValue(r.value(), RunnerReport.class)));
                    }
                  }
                });
  }

  /**
   * Starts reading; returns once the reader's position is fixed, so every report sent after this
   * returns reaches {@code listener}.
   */
  public static RunnerReportReader start(String bootstrap, Consumer<RunnerReport> listener) {
    return new RunnerReportReader(bootstrap, listener);
  }

  /** Stops reading and closes the consumer, waiting up to 2 s for the reader to end. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    reader.join(2000);
  }
}

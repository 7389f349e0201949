package io.tasklane.bench;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;

/** How each task ended, read from the runner's reports as the ledger would read them. */
final class RunnerReports implements AutoCloseable {

  /** A task's end and when the harness saw it. */
  record End(TaskStatus outcome, long seenNanos) {}

  private final Map<UUID, End> ends = new ConcurrentHashMap<>();
  private final JsonMapper json = JsonMapper.builder().build();
  private final Thread reader;
  private volatile boolean running = true;

  RunnerReports(String bootstrap) {
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
                              r -> {
                                RunnerReport report = json.readValue(r.value(), RunnerReport.class);
                                TaskStatus outcome =
                                    switch (report) {
                                      case RunnerReport.Finished f -> f.outcome();
                                      case RunnerReport.NeedsAssistance n ->
                                          TaskStatus.NEEDS_ASSISTANCE;
                                      case RunnerReport.Paused p -> TaskStatus.PAUSED;
                                      default -> null;
                                    };
                                if (outcome != null) {
                                  ends.putIfAbsent(
                                      report.taskId(), new End(outcome, System.nanoTime()));
                                }
                              });
                    }
                  }
                });
  }

  End end(UUID taskId) {
    return ends.get(taskId);
  }

  /** Waits until every task has ended, or the limit passes; returns how many ended. */
  long awaitEnds(List<UUID> tasks, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    long ended = 0;
    while (System.nanoTime() < deadline) {
      ended = tasks.stream().filter(ends::containsKey).count();
      if (ended == tasks.size()) {
        break;
      }
      Thread.sleep(20);
    }
    return ended;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    reader.join(2000);
  }
}

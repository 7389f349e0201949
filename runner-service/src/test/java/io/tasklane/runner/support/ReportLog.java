package io.tasklane.runner.support;

import static org.assertj.core.api.Assertions.fail;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;

/** Every runner report on the broker since the log started, read as the ledger reads them. */
public final class ReportLog {

  private final List<RunnerReport> reports = new CopyOnWriteArrayList<>();
  private final JsonMapper json = JsonMapper.builder().build();

  private ReportLog(String bootstrap) {
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
    Thread.ofVirtual()
        .name("report-log")
        .start(
            () -> {
              while (true) {
                consumer
                    .poll(Duration.ofMillis(100))
                    .forEach(r -> reports.add(json.readValue(r.value(), RunnerReport.class)));
              }
            });
  }

  public static ReportLog start(String bootstrap) {
    return new ReportLog(bootstrap);
  }

  public List<RunnerReport> of(UUID taskId) {
    return reports.stream().filter(r -> r.taskId().equals(taskId)).toList();
  }

  public <T extends RunnerReport> List<T> of(UUID taskId, Class<T> type) {
    return of(taskId).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Waits (up to a generous limit) for a report of the task matching {@code condition}. */
  public <T extends RunnerReport> T await(UUID taskId, Class<T> type, Predicate<T> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (T report : of(taskId, type)) {
        if (condition.test(report)) {
          return report;
        }
      }
      sleep(50);
    }
    return fail("No %s for task %s; reports: %s", type.getSimpleName(), taskId, of(taskId));
  }

  public <T extends RunnerReport> T await(UUID taskId, Class<T> type) {
    return await(taskId, type, r -> true);
  }

  /**
   * Waits for the report that ends the run on this runner: finished, paused or needs assistance.
   */
  public RunnerReport awaitEnd(UUID taskId) {
    return awaitEnd(taskId, 1);
  }

  public RunnerReport awaitEnd(UUID taskId, int attempt) {
    return await(
        taskId,
        RunnerReport.class,
        r ->
            r.attempt() == attempt
                && (r instanceof RunnerReport.Finished
                    || r instanceof RunnerReport.Paused
                    || r instanceof RunnerReport.NeedsAssistance));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.Topics;
import io.tasklane.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The ledger dispatches a queued task again only when its dispatch was lost, never while it waits
 * behind others on a partition a live runner holds.
 */
class RedispatchTests extends OperationsTest {

  @Test
  void aTaskWaitingBehindOthersOnAHeldPartitionIsNotDispatchedAgainUntilItsRecordIsSettled()
      throws Exception {
    try (var runner = new BusyRunner();
        var dispatches = new Broker.TopicReader(Topics.TASK_DISPATCH)) {
      await().atMost(PATIENCE).until(() -> runner.holdsPartitions.get());
      String id = createTaskId("{\"goal\":\"Wait for a slot\"}");
      awaitOutboxPublished();

      // well past redispatch-after (1s): the runner holds the partition, its record is unsettled
      for (int pass = 0; pass < 6; pass++) {
        assertThat(maintenance(true).get("reconciled").asInt()).isZero();
        Thread.sleep(500);
      }
      assertThat(reasons(dispatches.readToEnd(tenant))).containsExactly("created@1");
      assertThat(show(id).get("status").asString()).isEqualTo("queued");

      // the runner settles every record it holds, yet the task stays queued: that dispatch was lost
      runner.settleEverything();
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> maintenance(true), report -> report.get("reconciled").asInt() == 1);
      awaitOutboxPublished();
      assertThat(reasons(dispatches.readToEnd(tenant)))
          .containsExactly("created@1", "redispatch@1");
    }
  }

  private static List<String> reasons(List<tools.jackson.databind.JsonNode> records) {
    return records.stream()
        .map(d -> d.get("reason").asString() + "@" + d.get("attempt").asInt())
        .collect(Collectors.toList());
  }

  /**
   * A member of the runners' group with every slot full: it holds the dispatch partitions and keeps
   * polling with fetching paused, committing nothing until told to settle.
   */
  private static final class BusyRunner implements AutoCloseable {
    final AtomicBoolean holdsPartitions = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    BusyRunner() {
      thread = Thread.ofPlatform().name("busy-runner").start(this::loop);
    }

    private void loop() {
      Properties config = new Properties();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.get().bootstrapServers());
      config.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.RUNNERS);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      try (var consumer =
          new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of(Topics.TASK_DISPATCH));
        while (running.get()) {
          consumer.pause(consumer.assignment());
          consumer.poll(Duration.ofMillis(100));
          holdsPartitions.set(!consumer.assignment().isEmpty());
          if (settle.get()) {
            settle.set(false);
            var ends = consumer.endOffsets(consumer.assignment());
            consumer.commitSync(
                ends.entrySet().stream()
                    .collect(
                        Collectors.toMap(
                            Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))));
            settled.set(true);
          }
        }
      }
    }

    private final AtomicBoolean settle = new AtomicBoolean();
    private final AtomicBoolean settled = new AtomicBoolean();

    void settleEverything() {
      settle.set(true);
      await().atMost(Duration.ofSeconds(30)).until(settled::get);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }
}

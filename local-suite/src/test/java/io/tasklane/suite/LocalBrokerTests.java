package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBrokerTests {

  @Test
  void aRestartedBrokerKeepsItsPortAndEveryAcknowledgedRecord(@TempDir Path log) throws Exception {
    try (LocalBroker broker = LocalBroker.start(log, 0)) {
      String bootstrap = broker.bootstrapServers();
      try (var producer =
          new KafkaProducer<String, String>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ProducerConfig.ACKS_CONFIG,
                  "all"),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>(Topics.TASK_LIFECYCLE, "k", "before")).get();
        broker.stop();
        assertThat(broker.running()).isFalse();
        // sent while the broker is down: the producer holds it (send itself may block while the
        // producer has no metadata) until the broker is back, started from another thread
        var restart =
            java.util.concurrent.CompletableFuture.runAsync(
                () -> {
                  try {
                    Thread.sleep(1000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  broker.restart();
                });
        var whileDown = producer.send(new ProducerRecord<>(Topics.TASK_LIFECYCLE, "k", "during"));
        restart.get(1, TimeUnit.MINUTES);
        whileDown.get(1, TimeUnit.MINUTES);
      }
      assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
      try (var consumer =
          new KafkaConsumer<String, String>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "local-broker-test",
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest"),
              new StringDeserializer(),
              new StringDeserializer())) {
        consumer.subscribe(List.of(Topics.TASK_LIFECYCLE));
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (seen.size() < 2 && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(500)).forEach(r -> seen.add(r.value()));
        }
        assertThat(seen).containsExactly("before", "during");
      }
    }
  }
}

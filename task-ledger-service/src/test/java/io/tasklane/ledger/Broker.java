package io.tasklane.ledger;

import io.tasklane.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Plain Kafka clients on the test broker, the way runners and the notifier use it. */
public final class Broker {

  public static final JsonMapper JSON = JsonMapper.builder().build();
  private static volatile KafkaProducer<String, String> producer;

  private Broker() {}

  /** Sends {@code message} as JSON, keyed by task id, and waits for the broker to take it. */
  public static void send(String topic, Object key, Object message) {
    send(topic, key, JSON.writeValueAsString(message));
  }

  public static void send(String topic, Object key, String json) {
    try {
      producer().send(new ProducerRecord<>(topic, key.toString(), json)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KafkaProducer<String, String> producer() {
    if (producer == null) {
      synchronized (Broker.class) {
        if (producer == null) {
          producer =
              new KafkaProducer<>(
                  Map.of(
                      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                      TestKafka.get().bootstrapServers(),
                      ProducerConfig.ACKS_CONFIG,
                      "all"),
                  new StringSerializer(),
                  new StringSerializer());
        }
      }
    }
    return producer;
  }

  /**
   * Reads a topic from its beginning, without a consumer group. {@link #readToEnd} returns every
   * record that was on the topic when it was called, so a count taken after the ledger published is
   * exact.
   */
  public static final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final List<JsonNode> records = new ArrayList<>();

    public TopicReader(String topic) {
      Properties config = new Properties();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.get().bootstrapServers());
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
      partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    public List<JsonNode> readToEnd() {
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Could not read " + partitions + " to its end");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(JSON.readTree(r.value())));
      }
      return List.copyOf(records);
    }

    /** Every record read so far whose {@code tenant} field is {@code tenant}. */
    public List<JsonNode> readToEnd(String tenant) {
      return readToEnd().stream()
          .filter(record -> tenant.equals(record.path("tenant").asString(null)))
          .toList();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}

package io.tasklane.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class RealComponentsTests {

  @Test
  void theTestDatabaseIsARealFreshPostgresql() throws Exception {
    var db = TestPostgres.get().database();

    try (var connection = db.connect();
        var statement = connection.createStatement()) {
      var version = statement.executeQuery("select version()");
      version.next();
      assertThat(version.getString(1)).startsWith("PostgreSQL");

      var tables =
          statement.executeQuery(
              "select count(*) from information_schema.tables where table_schema = 'public'");
      tables.next();
      assertThat(tables.getInt(1)).isZero();
      assertThat(db.name()).startsWith("tasklane_test_").endsWith("_main");
    }
  }

  @Test
  void eachPurposeGetsItsOwnDatabase() {
    var postgres = TestPostgres.get();

    assertThat(postgres.database("ledger").name())
        .isNotEqualTo(postgres.database("notifier").name());
    assertThat(postgres.database("ledger")).isEqualTo(postgres.database("ledger"));
  }

  @Test
  void aRecordProducedIsConsumedBackThroughTheBroker() {
    String bootstrap = TestKafka.get().bootstrapServers();
    String key = UUID.randomUUID().toString();

    try (var producer =
        new KafkaProducer<String, String>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
      producer.send(new ProducerRecord<>(Topics.TASK_LIFECYCLE, key, "hello from " + key));
      producer.flush();
    }

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<String, String>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "wiring-" + key,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
      consumer.subscribe(List.of(Topics.TASK_LIFECYCLE));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.stream().noneMatch(r -> key.equals(r.key()))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }

    assertThat(received)
        .filteredOn(r -> key.equals(r.key()))
        .singleElement()
        .satisfies(r -> assertThat(r.value()).isEqualTo("hello from " + key));
  }

  @Test
  void theRunnerReportReaderHandsOverTheReportsSentAfterItStarted() throws Exception {
    String bootstrap = TestKafka.get().bootstrapServers();
    UUID taskId = UUID.randomUUID();
    RunnerReport before = progress(taskId, "before the reader started");
    RunnerReport after = progress(taskId, "after the reader started");
    List<RunnerReport> seen = new CopyOnWriteArrayList<>();

    try (var producer =
        new KafkaProducer<String, String>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.RUNNER_REPORTS, taskId.toString(), WireJson.write(before)))
          .get();
      try (var reader = RunnerReportReader.start(bootstrap, seen::add)) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.RUNNER_REPORTS, taskId.toString(), WireJson.write(after)))
            .get();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!seen.contains(after) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
    }

    assertThat(seen).filteredOn(r -> r.taskId().equals(taskId)).containsExactly(after);
  }

  private static RunnerReport progress(UUID taskId, String summary) {
    return new RunnerReport.Progress(
        new RunnerReport.Header(
            UUID.randomUUID(),
            taskId,
            "acme",
            1,
            "runner-1",
            Instant.parse("2025-01-01T00:00:00Z")),
        summary);
  }
}

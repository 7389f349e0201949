package io.tasklane.notifier;

import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.Topics;
import io.tasklane.testsupport.TestIdentity;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.json.JsonMapper;

/**
 * A notifier of its own (not the shared test context), so a test can stop it and start another on
 * the same database and consumer group: what a restart of the service looks like. It uses a broker
 * of its own too: the lifecycle listener's group is fixed (its listener id), so on the shared
 * broker the shared context would take part of its events.
 */
final class NotifierProcess implements AutoCloseable {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static EmbeddedKafkaKraftBroker broker;

  /** The broker of these notifiers, started on first use. */
  static synchronized String bootstrapServers() {
    if (broker == null) {
      broker =
          new EmbeddedKafkaKraftBroker(
              1,
              3,
              Topics.TASK_DISPATCH,
              Topics.TASK_CONTROL,
              Topics.RUNNER_REPORTS,
              Topics.TASK_LIFECYCLE,
              Topics.DELIVERY_REPORTS);
      broker.afterPropertiesSet();
      Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
    }
    return broker.getBrokersAsString();
  }

  private final ConfigurableApplicationContext context;
  private final int port;

  private NotifierProcess(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
  }

  /** Starts a notifier on {@code database}, its own consumer group, the fake Telegram. */
  static NotifierProcess start(
      TestPostgres.Database database,
      String datasourceUrl,
      String group,
      FakeTelegramBotApi telegram,
      String... extra) {
    List<String> properties =
        new ArrayList<>(
            List.of(
                "server.port=0",
                "spring.datasource.url=" + datasourceUrl,
                "spring.datasource.username=" + database.username(),
                "spring.datasource.password=" + database.password(),
                "spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "spring.kafka.consumer.group-id=" + group,
                "tasklane.notifier.telegram.base-url=" + telegram.baseUrl(),
                "tasklane.notifier.telegram.bot-token=" + telegram.token(),
                "tasklane.notifier.delivery.poll-interval=50ms",
                "tasklane.notifier.delivery.initial-backoff=200ms",
                "tasklane.notifier.delivery.max-backoff=1s"));
    properties.addAll(List.of(extra));
    // as command-line arguments, so they win over application.yml as a deployment's settings do
    return new NotifierProcess(
        new SpringApplicationBuilder(NotifierApplication.class)
            .run(properties.stream().map(p -> "--" + p).toArray(String[]::new)));
  }

  HttpResponse<String> registerTelegram(String tenant, String session, String chatId)
      throws Exception {
    return post(
        tenant,
        "/api/v1/sessions/" + session + "/channels",
        JSON.writeValueAsString(Map.of("type", "telegram", "chatId", chatId)));
  }

  HttpResponse<String> post(String tenant, String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .headers(identity(tenant))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A post without a Tasklane identity, as Telegram sends its webhook updates. */
  HttpResponse<String> postUnsigned(String path, String body, String telegramSecretToken)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .header("X-Telegram-Bot-Api-Secret-Token", telegramSecretToken)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String tenant, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .headers(identity(tenant))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Publishes lifecycle events on the real topic, as the ledger does. */
  static void publish(List<TaskLifecycleEvent> events) throws Exception {
    try (var producer =
        new KafkaProducer<String, String>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      for (TaskLifecycleEvent event : events) {
        producer.send(
            new ProducerRecord<>(
                Topics.TASK_LIFECYCLE, event.subject(), JSON.writeValueAsString(event)));
      }
      producer.flush();
    }
  }

  private static String[] identity(String tenant) {
    return TestIdentity.tenant(tenant).entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
        .toArray(String[]::new);
  }

  /** A graceful stop, as on SIGTERM. */
  @Override
  public void close() {
    context.close();
  }
}

package io.tasklane.notifier;

import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import io.tasklane.testsupport.TestIdentity;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole notifier against real PostgreSQL, a real Kafka broker, the fake Telegram Bot API and
 * real HTTP webhook receivers; webhook host names resolve through {@link TestDns}. Every test class
 * shares one application context; tests keep apart by using their own session keys and chat ids.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestDns.Config.class)
public abstract class NotifierIntegrationTest {

  protected static final String TENANT = "acme";
  protected static final Duration PER_CHAT_INTERVAL = Duration.ofMillis(100);
  protected static final Duration RETRY_FOR = Duration.ofSeconds(4);
  protected static final FakeTelegramBotApi telegram =
      FakeTelegramBotApi.start("123456:TEST-token-never-shown");
  protected static final RecordingLedger ledger = RecordingLedger.start();
  private static final List<DeliveryReport> reports = new CopyOnWriteArrayList<>();
  private static KafkaProducer<String, String> producer;

  @DynamicPropertySource
  static void realComponents(DynamicPropertyRegistry registry) {
    TestPostgres.get().database("notifier").register(registry);
    TestKafka.get().register(registry);
    registry.add("tasklane.notifier.telegram.base-url", telegram::baseUrl);
    registry.add("tasklane.notifier.telegram.bot-token", telegram::token);
    registry.add(
        "tasklane.notifier.telegram.per-chat-interval", () -> PER_CHAT_INTERVAL.toMillis() + "ms");
    registry.add("tasklane.notifier.webhook.allowed-hosts", () -> "127.0.0.1,hooks.internal");
    registry.add("tasklane.notifier.delivery.retry-for", () -> RETRY_FOR.toMillis() + "ms");
    registry.add("tasklane.notifier.delivery.initial-backoff", () -> "200ms");
    registry.add("tasklane.notifier.delivery.max-backoff", () -> "1s");
    registry.add("tasklane.notifier.delivery.poll-interval", () -> "50ms");
    registry.add("tasklane.notifier.delivery.report-interval", () -> "100ms");
    registry.add("tasklane.notifier.progress-interval", () -> "10s");
    registry.add("tasklane.notifier.inbox.heartbeat", () -> "200ms");
    registry.add("tasklane.notifier.answers.ledger-url", ledger::url);
    registry.add("tasklane.notifier.telegram.poll-timeout", () -> "1s");
  }

  @LocalServerPort protected int port;
  @Autowired protected JsonMapper json;

  protected final HttpClient http = HttpClient.newHttpClient();

  protected static synchronized void startReportCollector() {
    if (producer != null) {
      return;
    }
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.get().bootstrapServers());
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producer = new KafkaProducer<>(producerProps);
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.get().bootstrapServers());
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "notifier-tests-" + UUID.randomUUID());
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    var mapper = JsonMapper.builder().build();
    Thread.ofVirtual()
        .name("delivery-report-collector")
        .start(
            () -> {
              try (var consumer = new KafkaConsumer<String, String>(consumerProps)) {
                consumer.subscribe(List.of(Topics.DELIVERY_REPORTS));
                while (true) {
                  consumer
                      .poll(Duration.ofMillis(200))
                      .forEach(
                          record ->
                              reports.add(mapper.readValue(record.value(), DeliveryReport.class)));
                }
              }
            });
  }

  protected NotifierIntegrationTest() {
    startReportCollector();
  }

  /** Publishes a lifecycle event on the real topic, as the ledger does. */
  protected void publish(TaskLifecycleEvent event) {
    try {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.TASK_LIFECYCLE, event.subject(), json.writeValueAsString(event)))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  protected static List<DeliveryReport> reportsFor(UUID eventId) {
    return reports.stream().filter(r -> r.eventId().equals(eventId)).toList();
  }

  protected static DeliveryReport awaitReport(UUID eventId) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> reportsFor(eventId), found -> !found.isEmpty())
        .getFirst();
  }

  protected static String newSession() {
    return "chat-" + UUID.randomUUID();
  }

  /** A task of one session, emitting events the way the ledger does. */
  protected static final class Task {
    final UUID id = UUID.randomUUID();
    final String session;
    String label = "Summarise the quarterly report";
    NotifyPolicy policy;
    ApprovalRequest approval;
    long sequence;
    TaskStatus status = TaskStatus.QUEUED;
    Instant clock = Instant.parse("2026-01-01T10:00:00Z");

    Task(String session, NotifyPolicy policy) {
      this.session = session;
      this.policy = policy;
    }

    TaskLifecycleEvent created() {
      return event(TaskLifecycleEvent.TYPE_CREATED, TaskStatus.QUEUED, null, null, null);
    }

    TaskLifecycleEvent moveTo(TaskStatus next) {
      return event(TaskLifecycleEvent.TYPE_STATUS_CHANGED, next, null, null, null);
    }

    TaskLifecycleEvent finish(TaskStatus next, String summary) {
      return event(TaskLifecycleEvent.TYPE_STATUS_CHANGED, next, null, summary, null);
    }

    TaskLifecycleEvent needsHelp(String reason) {
      return event(
          TaskLifecycleEvent.TYPE_STATUS_CHANGED, TaskStatus.NEEDS_ASSISTANCE, reason, null, null);
    }

    /** The task stops before a tool call and waits for a decision on {@code request}. */
    TaskLifecycleEvent needsApproval(ApprovalRequest request) {
      approval = request;
      return event(
          TaskLifecycleEvent.TYPE_STATUS_CHANGED,
          TaskStatus.NEEDS_ASSISTANCE,
          ApprovalRequest.REASON,
          null,
          null);
    }

    TaskLifecycleEvent progress(String summary, Duration after) {
      clock = clock.plus(after);
      return event(TaskLifecycleEvent.TYPE_PROGRESS, status, null, null, summary);
    }

    TaskLifecycleEvent changePolicy(NotifyPolicy next) {
      policy = next;
      return event(TaskLifecycleEvent.TYPE_NOTIFY_POLICY_CHANGED, status, null, null, null);
    }

    private TaskLifecycleEvent event(
        String type, TaskStatus next, String reason, String terminalSummary, String progress) {
      TaskStatus previous = type.equals(TaskLifecycleEvent.TYPE_CREATED) ? null : status;
      status = next;
      clock = clock.plusSeconds(1);
      var data =
          new TaskLifecycleEvent.Data(
              id,
              TENANT,
              Runtime.SUBAGENT,
              io.tasklane.contracts.Executor.RUNNER,
              label,
              next,
              previous,
              reason,
              policy,
              null,
              session,
              "task_" + id,
              null,
              null,
              null,
              1,
              progress,
              terminalSummary,
              null,
              Map.of(),
              next == TaskStatus.NEEDS_ASSISTANCE ? approval : null);
      return TaskLifecycleEvent.of(UUID.randomUUID(), type, clock, ++sequence, data);
    }
  }

  // HTTP helpers

  /** The signed identity headers of a client of {@code tenant}, as name-value pairs. */
  protected static String[] identity(String tenant) {
    return TestIdentity.tenant(tenant).entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
        .toArray(String[]::new);
  }

  protected HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).headers(identity(TENANT)).GET().build());
  }

  protected HttpResponse<String> post(String path, Object body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .headers(identity(TENANT))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
            .build());
  }

  protected HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  protected URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  protected JsonNode jsonOf(HttpResponse<String> response) {
    return json.readTree(response.body());
  }

  protected List<JsonNode> inbox(String session) {
    JsonNode page = jsonOf(get("/api/v1/sessions/" + session + "/messages?limit=500"));
    List<JsonNode> messages = new java.util.ArrayList<>();
    page.path("messages").forEach(messages::add);
    return messages;
  }

  protected void registerTelegram(String session, String chatId) {
    var response =
        post(
            "/api/v1/sessions/" + session + "/channels",
            Map.of("type", "telegram", "chatId", chatId));
    if (response.statusCode() != 201) {
      throw new IllegalStateException(response.body());
    }
  }

  protected void registerWebhook(String session, String url, String secret) {
    var response =
        post(
            "/api/v1/sessions/" + session + "/channels",
            Map.of("type", "webhook", "url", url, "secret", secret));
    if (response.statusCode() != 201) {
      throw new IllegalStateException(response.body());
    }
  }

  protected static String newChatId() {
    return Long.toString(100_000_000L + (long) (Math.random() * 800_000_000L));
  }
}

package io.tasklane.bench;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import io.tasklane.suite.LocalSuite;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers a burst of task completions to many Telegram chats through a notifier started from its
 * jar, against a fake Bot API that answers at once, and counts what arrives in each second.
 */
@Command(name = "notifier-benchmark", mixinStandardHelpOptions = true)
public final class NotifierBenchmark implements Callable<Integer> {

  @Option(names = "--events", defaultValue = "10000")
  int events;

  @Option(names = "--chats", defaultValue = "1000")
  int chats;

  @Option(names = "--home", defaultValue = ".", description = "The checkout with built jars.")
  String home;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new NotifierBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    var telegram = FakeTelegramBotApi.start("424242:benchmark");
    var database = TestPostgres.get().database("bench_notifier");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    LocalSuite suite =
        LocalSuite.fromArguments(
            "--services", "notifier",
            "--home", home,
            "--db-url", database.jdbcUrl(),
            "--db-user", database.username(),
            "--db-password", database.password(),
            "--notifier-db", database.name(),
            "--ledger-db", database.name(),
            "--kafka-port", "0",
            "--notifier-port", Integer.toString(port),
            "--set", "notifier:tasklane.notifier.telegram.base-url=" + telegram.baseUrl(),
            "--set", "notifier:tasklane.notifier.telegram.bot-token=" + telegram.token());
    suite.start();
    try {
      run(telegram, suite.bootstrapServers(), "http://localhost:" + port, suite.identitySigning());
    } finally {
      suite.stop();
      telegram.close();
    }
    return 0;
  }

  private void run(
      FakeTelegramBotApi telegram,
      String bootstrap,
      String notifier,
      io.tasklane.contracts.SignedIdentity signing)
      throws Exception {
    for (int chat = 0; chat < chats; chat++) {
      var response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(notifier + "/api/v1/sessions/s-" + chat + "/channels"))
                  .headers(BenchIdentity.headers(signing, "bench"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"type\":\"telegram\",\"chatId\":\"" + (100000 + chat) + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IllegalStateException("Registration failed: " + response.body());
      }
    }
    System.out.printf("Registered %d chats; publishing %d completions%n", chats, events);
    Instant start = Instant.now();
    try (var producer =
        new KafkaProducer<String, String>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
      for (int i = 0; i < events; i++) {
        UUID taskId = UUID.randomUUID();
        var data =
            new TaskLifecycleEvent.Data(
                taskId,
                "bench",
                Runtime.SUBAGENT,
                Executor.RUNNER,
                "bench-" + i,
                TaskStatus.SUCCEEDED,
                TaskStatus.RUNNING,
                null,
                NotifyPolicy.DONE_ONLY,
                DeliveryStatus.PENDING,
                "s-" + (i % chats),
                "task_" + taskId,
                "run_" + taskId,
                null,
                null,
                1,
                null,
                "Finished benchmark task " + i,
                null,
                Map.of());
        var event =
            TaskLifecycleEvent.of(
                UUID.randomUUID(), TaskLifecycleEvent.TYPE_STATUS_CHANGED, Instant.now(), 2, data);
        producer.send(
            new ProducerRecord<>(
                Topics.TASK_LIFECYCLE, taskId.toString(), json.writeValueAsString(event)));
      }
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (telegram.requests().stream().filter(FakeTelegramBotApi.Request::accepted).count()
            < events
        && System.nanoTime() < deadline) {
      Thread.sleep(1000);
    }
    var accepted =
        telegram.requests().stream().filter(FakeTelegramBotApi.Request::accepted).toList();
    TreeMap<Long, Integer> perSecond = new TreeMap<>();
    for (var request : accepted) {
      perSecond.merge(request.receivedAt().getEpochSecond(), 1, Integer::sum);
    }
    var first =
        accepted.stream()
            .map(FakeTelegramBotApi.Request::receivedAt)
            .min(Instant::compareTo)
            .orElse(start);
    var last =
        accepted.stream()
            .map(FakeTelegramBotApi.Request::receivedAt)
            .max(Instant::compareTo)
            .orElse(start);
    int[] counts = perSecond.values().stream().mapToInt(Integer::intValue).sorted().toArray();
    long[] arrivals =
        accepted.stream()
            .map(FakeTelegramBotApi.Request::receivedAt)
            .mapToLong(at -> at.getEpochSecond() * 1_000_000_000L + at.getNano())
            .sorted()
            .toArray();
    int rollingMax = 0;
    for (int i = 0, j = 0; i < arrivals.length; i++) {
      while (arrivals[i] - arrivals[j] >= 1_000_000_000L) {
        j++;
      }
      rollingMax = Math.max(rollingMax, i - j + 1);
    }
    double seconds = Duration.between(first, last).toMillis() / 1000.0;
    System.out.printf(
        "delivered=%d of %d, refused=%d, first-to-last=%.1f s, mean=%.1f/s, median-second=%d,"
            + " max-second=%d, max-rolling-second=%d%n",
        accepted.size(),
        events,
        telegram.requests().size() - accepted.size(),
        seconds,
        accepted.size() / Math.max(seconds, 0.001),
        counts.length == 0 ? 0 : counts[counts.length / 2],
        counts.length == 0 ? 0 : counts[counts.length - 1],
        rollingMax);
  }
}

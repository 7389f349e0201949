package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.testsupport.TcpProxy;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The notifier stopped mid-delivery and started again on the same database, while Telegram answers
 * 429 to every fifth request, and the notifier's database cut off under it: every message arrives
 * exactly once and the send limits hold throughout.
 */
class NotifierRestartTests {

  private static final Pattern HOST_PORT = Pattern.compile("//([^/:?]+):(\\d+)/");
  private static final int GLOBAL_PER_SECOND = 30;
  private static final Duration PER_CHAT_INTERVAL = Duration.ofMillis(100);
  private static final FakeTelegramBotApi telegram =
      FakeTelegramBotApi.start("654321:restart-token-never-shown");

  @AfterAll
  static void stopTelegram() {
    telegram.close();
  }

  @Test
  void aNotifierStoppedMidDeliveryAndStartedAgainSendsEveryMessageOnceWithinTheLimits()
      throws Exception {
    String tenant = "restart-" + UUID.randomUUID().toString().substring(0, 8);
    var database = TestPostgres.get().database("notifier-restart");
    String group = "notifier-restart-" + UUID.randomUUID();
    int chats = 20;
    int perChat = 10;
    List<String> chatIds = new ArrayList<>();
    List<TaskLifecycleEvent> events = new ArrayList<>();
    telegram.everyNth(5, Answer.tooManyRequests(1));

    NotifierProcess first = start(database, database.jdbcUrl(), group);
    try {
      for (int c = 0; c < chats; c++) {
        String chat = Long.toString(700_000_000L + c);
        String session = tenant + "-s" + c;
        chatIds.add(chat);
        var registered = first.registerTelegram(tenant, session, chat);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        for (int i = 0; i < perChat; i++) {
          events.add(done(tenant, session, "Restart task " + c + "-" + i));
        }
      }
      NotifierProcess.publish(events);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> accepted(chatIds).size() >= events.size() / 4);
    } finally {
      first.close();
    }
    int beforeRestart = accepted(chatIds).size();
    assertThat(beforeRestart).isLessThan(events.size());

    try (NotifierProcess second = start(database, database.jdbcUrl(), group)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> accepted(chatIds).size() >= events.size());
      // a little longer: a duplicate would arrive after the last first copy
      Thread.sleep(1000);
    }

    List<FakeTelegramBotApi.Request> sent = requests(chatIds);
    Map<String, Long> copies =
        accepted(chatIds).stream()
            .collect(
                Collectors.groupingBy(
                    r -> r.visibleText().lines().findFirst().orElseThrow(), Collectors.counting()));
    assertThat(copies).hasSize(events.size());
    assertThat(copies.values()).allMatch(n -> n == 1);
    assertThat(sent).filteredOn(r -> r.status() == 429).isNotEmpty();
    // counted over five seconds, with one second's worth to spare: the notifier spaces its sends
    // evenly, but on a loaded machine the threads of both ends wake late, and arrivals bunch
    assertThat(maxInAny(sent, Duration.ofSeconds(5))).isLessThanOrEqualTo(6 * GLOBAL_PER_SECOND);
    // and in any one second as Telegram received them: a request counts against the limit from
    // its start until a second after its answer, so arrivals cannot bunch beyond it
    assertThat(maxInAny(sent, Duration.ofSeconds(1))).isLessThanOrEqualTo(GLOBAL_PER_SECOND);
    for (String chat : chatIds) {
      List<FakeTelegramBotApi.Request> toChat =
          sent.stream().filter(r -> chat.equals(r.chatId())).toList();
      for (int i = 1; i < toChat.size(); i++) {
        assertThat(Duration.between(toChat.get(i - 1).receivedAt(), toChat.get(i).receivedAt()))
            .as("gap before request %d to chat %s", i, chat)
            .isGreaterThanOrEqualTo(PER_CHAT_INTERVAL);
      }
    }
  }

  @Test
  void whileItsDatabaseIsUnreachableTheNotifierAnswers503WithRetryAfterAndLosesNoMessage()
      throws Exception {
    String tenant = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    var database = TestPostgres.get().database("notifier-outage");
    Matcher hostPort = HOST_PORT.matcher(database.jdbcUrl());
    assertThat(hostPort.find()).as(database.jdbcUrl()).isTrue();
    String chat = "800000001";
    String session = tenant + "-session";
    try (TcpProxy proxy = new TcpProxy(hostPort.group(1), Integer.parseInt(hostPort.group(2)));
        NotifierProcess notifier =
            start(
                database,
                hostPort.replaceFirst("//127.0.0.1:" + proxy.port() + "/"),
                "notifier-outage-" + UUID.randomUUID(),
                // each try of the event then fails within half a second: the outage below outlasts
                // the ten tries a listener gives any other failure
                "spring.datasource.hikari.connection-timeout=500")) {
      var registered = notifier.registerTelegram(tenant, session, chat);
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

      proxy.cut();
      var during = notifier.registerTelegram(tenant, tenant + "-other", "800000002");
      assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
      assertThat(during.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
      assertThat(NotifierProcess.JSON.readTree(during.body()).get("type").asString())
          .isEqualTo("https://tasklane.io/problems/unavailable");
      assertThat(Long.parseLong(during.headers().firstValue("Retry-After").orElseThrow()))
          .isPositive();
      var read = notifier.get(tenant, "/api/v1/sessions/" + session + "/messages");
      assertThat(read.statusCode()).as(read.body()).isEqualTo(503);
      // a task ends while the database is away: its message waits in Kafka, not lost
      TaskLifecycleEvent event = done(tenant, session, "Finished during the outage");
      NotifierProcess.publish(List.of(event));
      Thread.sleep(8000);
      assertThat(accepted(List.of(chat))).isEmpty();

      proxy.open();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> accepted(List.of(chat)).size() == 1);
      assertThat(accepted(List.of(chat)).getFirst().visibleText())
          .startsWith("Finished during the outage");
      var after = notifier.get(tenant, "/api/v1/sessions/" + session + "/messages");
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      assertThat(NotifierProcess.JSON.readTree(after.body()).path("messages").size()).isOne();
    }
  }

  private static NotifierProcess start(
      TestPostgres.Database database, String datasourceUrl, String group, String... extra) {
    List<String> properties =
        new ArrayList<>(
            List.of(
                "tasklane.notifier.telegram.per-chat-interval="
                    + PER_CHAT_INTERVAL.toMillis()
                    + "ms",
                "tasklane.notifier.telegram.global-per-second=" + GLOBAL_PER_SECOND));
    properties.addAll(List.of(extra));
    return NotifierProcess.start(
        database, datasourceUrl, group, telegram, properties.toArray(String[]::new));
  }

  private static List<FakeTelegramBotApi.Request> requests(List<String> chats) {
    return telegram.requests().stream().filter(r -> chats.contains(r.chatId())).toList();
  }

  private static List<FakeTelegramBotApi.Request> accepted(List<String> chats) {
    return requests(chats).stream().filter(FakeTelegramBotApi.Request::accepted).toList();
  }

  /** The most requests that arrived within any window of {@code length}. */
  private static int maxInAny(List<FakeTelegramBotApi.Request> requests, Duration length) {
    long[] at =
        requests.stream()
            .map(FakeTelegramBotApi.Request::receivedAt)
            .mapToLong(i -> i.getEpochSecond() * 1_000_000_000L + i.getNano())
            .sorted()
            .toArray();
    int max = 0;
    for (int i = 0, j = 0; i < at.length; i++) {
      while (at[i] - at[j] >= length.toNanos()) {
        j++;
      }
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  private static TaskLifecycleEvent done(String tenant, String session, String label) {
    UUID taskId = UUID.randomUUID();
    var data =
        new TaskLifecycleEvent.Data(
            taskId,
            tenant,
            Runtime.SUBAGENT,
            Executor.RUNNER,
            label,
            TaskStatus.SUCCEEDED,
            TaskStatus.RUNNING,
            null,
            NotifyPolicy.DONE_ONLY,
            null,
            session,
            "task_" + taskId,
            null,
            null,
            null,
            1,
            null,
            "Done: " + label,
            null,
            Map.of());
    return TaskLifecycleEvent.of(
        UUID.randomUUID(), TaskLifecycleEvent.TYPE_STATUS_CHANGED, Instant.now(), 3, data);
  }
}

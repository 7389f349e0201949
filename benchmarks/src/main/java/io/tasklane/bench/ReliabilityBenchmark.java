package io.tasklane.bench;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import io.tasklane.suite.LocalBroker;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Faults against the real services, each started from its jar on loopback: the ledger (on a fresh
 * PostgreSQL database), two runners, the notifier, an in-process KRaft broker that can be stopped
 * and started again on the same port and log, the scripted model server playing a slow model and
 * the fake Telegram Bot API. Every service runs with its default lease, heartbeat, recovery and
 * delivery settings. One line per scenario; the figures are read back from the services' own
 * records (the ledger's journal and outbox, the notifier's inbox) and from what the fake Telegram
 * received.
 *
 * <ol>
 *   <li>kill -9 one runner with {@code --kill-tasks} tasks in flight; the other takes over;
 *   <li>rolling restart (SIGTERM, start again) of both runners under a steady {@code --rate}
 *       tasks/s;
 *   <li>broker restart under load: stopped for {@code --broker-down-seconds}, started again on the
 *       same port and log;
 *   <li>PostgreSQL restart under a steady load of creates: a ledger and a runner on a PostgreSQL
 *       server of the benchmark's own (so the shared server keeps running), stopped for {@code
 *       --db-down-seconds} and started again on the same port and data;
 *   <li>the notifier stopped mid-delivery (SIGTERM, then kill -9) with {@code --messages} pending
 *       Telegram messages, Telegram answering 429 to every fifth request.
 * </ol>
 */
@Command(name = "reliability", mixinStandardHelpOptions = true)
public final class ReliabilityBenchmark implements Callable<Integer> {

  @Option(names = "--home", defaultValue = ".", description = "The checkout with built jars.")
  Path home;

  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/postgres")
  String adminDbUrl;

  @Option(names = "--db-user", defaultValue = "postgres")
  String dbUser;

  @Option(names = "--kill-tasks", defaultValue = "120")
  int killTasks;

  @Option(names = "--rate", defaultValue = "20", description = "Tasks per second in scenario 2.")
  int rate;

  @Option(names = "--load-seconds", defaultValue = "60")
  int loadSeconds;

  @Option(names = "--model-delay-ms", defaultValue = "1500")
  long modelDelayMillis;

  @Option(
      names = "--scenarios",
      split = ",",
      defaultValue = "1,2,3,4,5",
      description = "Which scenarios to run.")
  Set<Integer> scenarios;

  @Option(names = "--broker-rate", defaultValue = "10", description = "Tasks per second in 3.")
  int brokerRate;

  @Option(names = "--broker-down-seconds", defaultValue = "15")
  int brokerDownSeconds;

  @Option(names = "--db-rate", defaultValue = "20", description = "Creates per second in 4.")
  int dbRate;

  @Option(names = "--db-down-seconds", defaultValue = "10")
  int dbDownSeconds;

  @Option(names = "--messages", defaultValue = "1000", description = "Pending messages in 5.")
  int messages;

  @Option(names = "--chats", defaultValue = "100", description = "Telegram chats in 5.")
  int chats;

  private static final String TENANT = "reliability";
  private static final Duration END_WAIT = Duration.ofMinutes(4);

  private final HttpClient http = HttpClient.newHttpClient();
  private final SignedIdentity signing = new SignedIdentity(KEY, SignedIdentity.DEFAULT_MAX_AGE);
  private static final String KEY = HexFormat.of().formatHex(randomKey());

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TELEGRAM_TOKEN = "4242:reliability";

  private LocalBroker broker;
  private FakeTelegramBotApi telegram;
  private String notifierDbUrl;
  private ScriptedModelServer models;
  private Path work;
  private String dbUrl;
  private String ledgerUrl;
  private final AtomicInteger runnerNumber = new AtomicInteger();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReliabilityBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    work = Files.createTempDirectory("reliability");
    broker = LocalBroker.start(work.resolve("kafka"), 0);
    models = ScriptedModelServer.start();
    models.script("slow", slowModel(Duration.ofMillis(modelDelayMillis)));
    telegram = FakeTelegramBotApi.start(TELEGRAM_TOKEN);
    List<Process> processes = new ArrayList<>();
    try {
      dbUrl = freshDatabase("ledger");
      notifierDbUrl = freshDatabase("notifier");
      int ledgerPort = freePort();
      ledgerUrl = "http://127.0.0.1:" + ledgerPort;
      Process ledger = startLedger(ledgerPort, dbUrl, "ledger.log");
      processes.add(ledger);
      awaitReady(ledgerPort, ledger, "ledger");
      System.out.printf(
          "Services: ledger, 2 runners (defaults: heartbeat 2 s, lease 6 s, grace 2 s, lease pass"
              + " 1 s), notifier; model answers after %d ms; work in %s%n",
          modelDelayMillis, work);
      if (scenarios.contains(1)) {
        killOneRunner(processes);
      }
      if (scenarios.contains(2)) {
        rollingRestart(processes);
      }
      if (scenarios.contains(3)) {
        brokerRestart(processes);
      }
      if (scenarios.contains(5)) {
        notifierStops(processes);
      }
      if (scenarios.contains(4)) {
        databaseRestart(processes);
      }
    } finally {
      for (Process process : processes) {
        process.destroyForcibly();
      }
      models.close();
      telegram.close();
      broker.close();
    }
    return 0;
  }

  private record Runner(String id, int port, Process process) {}

  /** Scenario 1. */
  private void killOneRunner(List<Process> processes) throws Exception {
    Runner a = startRunner(processes);
    Runner b = startRunner(processes);
    awaitReady(a.port(), a.process(), a.id());
    awaitReady(b.port(), b.process(), b.id());
    String batch = "kill-" + System.currentTimeMillis();
    List<String> tasks = new ArrayList<>();
    for (int i = 0; i < killTasks; i++) {
      tasks.add(createTask(batch));
    }
    awaitCondition(
        () ->
            count("select count(*) from tasks where label = ? and status = 'running'", batch)
                >= Math.min(killTasks, 100),
        Duration.ofMinutes(2));
    Thread.sleep(2 * modelDelayMillis);
    long inFlight =
        count("select count(*) from tasks where label = ? and status = 'running'", batch);
    String onA =
        "select count(*) from tasks where label = ? and status = 'running' and runner_id = ?";
    long heldByA = count(onA, batch, a.id());
    long heldByB = count(onA, batch, b.id());
    Runner victim = heldByA >= heldByB ? a : b;
    Runner survivor = victim == a ? b : a;
    long onKilled = Math.max(heldByA, heldByB);
    Instant killed = Instant.now();
    victim.process().destroyForcibly().waitFor();
    Result result = awaitEnds(batch, tasks.size());
    Duration first = firstReclaimAfter(batch, killed);
    Duration last = lastReclaimAfter(batch, killed);
    System.out.printf(
        "scenario 1 kill -9 a runner: tasks=%d in flight=%d (%d on the killed runner) succeeded=%d"
            + " lost=%d verified steps re-run=%d duplicate completions=%d recovered=%d"
            + " first recovery %s after the kill, last %s%n",
        tasks.size(),
        inFlight,
        onKilled,
        result.succeeded(),
        result.lost(),
        result.rerun(),
        result.duplicates(),
        count("select count(distinct task_id) from tasks where label = ? and attempt > 1", batch),
        seconds(first),
        seconds(last));
    survivor.process().destroy();
    survivor.process().waitFor(60, TimeUnit.SECONDS);
  }

  /** Scenario 2. */
  private void rollingRestart(List<Process> processes) throws Exception {
    Runner a = startRunner(processes);
    Runner b = startRunner(processes);
    awaitReady(a.port(), a.process(), a.id());
    awaitReady(b.port(), b.process(), b.id());
    String batch = "rolling-" + System.currentTimeMillis();
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger created = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService load = Executors.newVirtualThreadPerTaskExecutor();
    Thread pacer =
        Thread.ofPlatform()
            .start(
                () -> {
                  long interval = 1_000_000_000L / rate;
                  long next = System.nanoTime();
                  long end = next + Duration.ofSeconds(loadSeconds).toNanos();
                  while (loading.get() && System.nanoTime() < end) {
                    load.submit(
                        () -> {
                          try {
                            createTask(batch);
                            created.incrementAndGet();
                          } catch (Exception e) {
                            refused.incrementAndGet();
                          }
                        });
                    next += interval;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                      try {
                        Thread.sleep(Duration.ofNanos(sleep));
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  }
                });
    Thread.sleep(Duration.ofSeconds(Math.min(10, loadSeconds / 4)));
    List<Instant> terms = new ArrayList<>();
    List<Runner> replacements = new ArrayList<>();
    for (Runner old : List.of(a, b)) {
      terms.add(Instant.now());
      old.process().destroy();
      old.process().waitFor(60, TimeUnit.SECONDS);
      Runner replacement = startRunner(processes);
      replacements.add(replacement);
      awaitReady(replacement.port(), replacement.process(), replacement.id());
    }
    pacer.join();
    loading.set(false);
    load.shutdown();
    load.awaitTermination(1, TimeUnit.MINUTES);
    Result result = awaitEnds(batch, created.get());
    Duration first = firstReclaimAfter(batch, terms.getFirst());
    System.out.printf(
        "scenario 2 rolling restart at %d tasks/s: tasks=%d (create refused %d) succeeded=%d"
            + " lost=%d verified steps re-run=%d duplicate completions=%d handed back=%d"
            + " by lease=%d first hand-back running again %s after SIGTERM;"
            + " queued again to claimed: median %s, max %s%n",
        rate,
        created.get(),
        refused.get(),
        result.succeeded(),
        result.lost(),
        result.rerun(),
        result.duplicates(),
        count(
            "select count(*) from journal j join tasks t using (task_id) where t.label = ?"
                + " and j.type = 'recovery' and j.payload->>'action' = 'handed_back'",
            batch),
        count(
            "select count(*) from journal j join tasks t using (task_id) where t.label = ?"
                + " and j.type = 'recovery' and j.payload->>'action' = 'requeue'",
            batch),
        seconds(first),
        seconds(requeueToClaim(batch, 0.5)),
        seconds(requeueToClaim(batch, 1.0)));
    // the next scenarios start runners of their own; these would take their dispatches too
    for (Runner runner : replacements) {
      runner.process().destroy();
      runner.process().waitFor(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Scenario 3: a steady load while the broker is stopped and started again on the same port and
   * log. Every task asks for every state change to reach its requester session; the tenant's live
   * SSE stream is read throughout, and each task's own stream is replayed at the end.
   */
  private void brokerRestart(List<Process> processes) throws Exception {
    Runner a = startRunner(processes);
    Runner b = startRunner(processes);
    int notifierPort = freePort();
    Process notifier = startNotifier(notifierPort, "notifier-3.log");
    processes.add(notifier);
    awaitReady(a.port(), a.process(), a.id());
    awaitReady(b.port(), b.process(), b.id());
    awaitReady(notifierPort, notifier, "notifier");
    String batch = "broker-" + System.currentTimeMillis();
    String session = "session-" + batch;
    LiveStream live = LiveStream.open(http, ledgerUrl + "/api/v1/events", headers());
    List<String> tasks = new CopyOnWriteArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    String extra =
        "\"notifyPolicy\":\"state_changes\",\"requesterSessionKey\":\"%s\",".formatted(session);
    Thread load =
        steady(
            brokerRate,
            Duration.ofSeconds(loadSeconds),
            () -> {
              try {
                tasks.add(taskId(createTask(batch, extra)));
              } catch (Exception e) {
                refused.incrementAndGet();
              }
            });
    Thread.sleep(Duration.ofSeconds(Math.min(10, loadSeconds / 4)));
    Instant stopped = Instant.now();
    broker.stop();
    Thread.sleep(Duration.ofSeconds(brokerDownSeconds));
    broker.restart();
    Instant restarted = Instant.now();
    load.join();
    Result result = awaitEnds(batch, tasks.size());
    // lifecycle events published (by the ledger's own record) per task, and who saw them
    Map<String, Set<Long>> published = new ConcurrentHashMap<>();
    long unpublished =
        count(
            "select count(*) from outbox o join tasks t using (task_id) where t.label = ?"
                + " and o.published_seq is null",
            batch);
    try (Connection db = DriverManager.getConnection(dbUrl, dbUser, "");
        var statement =
            db.prepareStatement(
                """
                select o.task_id, o.published_seq from outbox o join tasks t using (task_id)
                where t.label = ? and o.topic = ? and o.published_seq is not null
                  and o.payload->>'type' in (?, ?)
                """)) {
      statement.setString(1, batch);
      statement.setString(2, Topics.TASK_LIFECYCLE);
      statement.setString(3, TaskLifecycleEvent.TYPE_CREATED);
      statement.setString(4, TaskLifecycleEvent.TYPE_STATUS_CHANGED);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          published
              .computeIfAbsent(rs.getString(1), k -> ConcurrentHashMap.newKeySet())
              .add(rs.getLong(2));
        }
      }
    }
    long transitions =
        count(
                "select count(*) from journal j join tasks t using (task_id) where t.label = ?"
                    + " and j.type = 'status_changed'",
                batch)
            + tasks.size();
    long events = published.values().stream().mapToLong(Set::size).sum();
    Thread.sleep(2000);
    live.close();
    long liveMissing = 0;
    long liveDuplicates = 0;
    for (var entry : published.entrySet()) {
      List<Long> seen = live.seen(entry.getKey());
      liveMissing += entry.getValue().stream().filter(seq -> !seen.contains(seq)).count();
      liveDuplicates += seen.size() - Set.copyOf(seen).size();
    }
    long[] replay = replayEachTask(published);
    // the notifier: one inbox message per transition of each task, none twice
    long inboxed;
    long inboxDuplicates;
    try (Connection db = DriverManager.getConnection(notifierDbUrl, dbUser, "");
        var statement =
            db.prepareStatement(
                """
                select count(*), count(*) - count(distinct (task_id, status, event_time))
                from notifier.inbox_message where session_key = ? and event_type in (?, ?)
                """)) {
      statement.setString(1, session);
      statement.setString(2, TaskLifecycleEvent.TYPE_CREATED);
      statement.setString(3, TaskLifecycleEvent.TYPE_STATUS_CHANGED);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        inboxed = rs.getLong(1);
        inboxDuplicates = rs.getLong(2);
      }
    }
    long recovered =
        count(
            "select count(*) from journal j join tasks t using (task_id) where t.label = ?"
                + " and j.type = 'recovery' and j.payload->>'action' = 'requeue'",
            batch);
    System.out.printf(
        "scenario 3 broker restart (down %d s) at %d tasks/s: tasks=%d (create refused %d)"
            + " succeeded=%d lost=%d verified steps re-run=%d duplicate completions=%d"
            + " false recoveries=%d; lifecycle events=%d for %d transitions, unpublished=%d;"
            + " live SSE missed=%d duplicates=%d; per-task SSE missed=%d duplicates=%d;"
            + " notifier inbox missed=%d duplicates=%d; first claim after the restart %s%n",
        brokerDownSeconds,
        brokerRate,
        tasks.size(),
        refused.get(),
        result.succeeded(),
        result.lost(),
        result.rerun(),
        result.duplicates(),
        recovered,
        events,
        transitions,
        unpublished,
        liveMissing,
        liveDuplicates,
        replay[0],
        replay[1],
        events - (inboxed - inboxDuplicates),
        inboxDuplicates,
        seconds(firstClaimAfter(batch, restarted, stopped)));
    notifier.destroy();
    notifier.waitFor(60, TimeUnit.SECONDS);
    for (Runner runner : List.of(a, b)) {
      runner.process().destroy();
      runner.process().waitFor(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Scenario 5: {@code --messages} task completions for {@code --chats} Telegram chats reach the
   * notifier at once; Telegram answers 429 (retry after 1 s) to every fifth request. After a
   * quarter has arrived the notifier gets SIGTERM and is started again; after two thirds it is
   * killed with kill -9 and started again.
   */
  private void notifierStops(List<Process> processes) throws Exception {
    telegram.reset();
    telegram.everyNth(5, FakeTelegramBotApi.Answer.tooManyRequests(1));
    int port = freePort();
    Process notifier = startNotifier(port, "notifier-5a.log");
    processes.add(notifier);
    awaitReady(port, notifier, "notifier");
    String notifierUrl = "http://127.0.0.1:" + port;
    String prefix = "chat-" + System.currentTimeMillis() + "-";
    List<String> chatIds = new ArrayList<>();
    for (int chat = 0; chat < chats; chat++) {
      String chatId = Long.toString(500_000_000L + chat);
      chatIds.add(chatId);
      var response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(notifierUrl + "/api/v1/sessions/" + prefix + chat + "/channels"))
                  .headers(headers())
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"type\":\"telegram\",\"chatId\":\"" + chatId + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IllegalStateException("Registration failed: " + response.body());
      }
    }
    Instant published = Instant.now();
    try (var producer =
        new KafkaProducer<String, String>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < messages; i++) {
        TaskLifecycleEvent event = completion(prefix + (i % chats), "Reliability message " + i);
        producer.send(
            new ProducerRecord<>(
                Topics.TASK_LIFECYCLE,
                event.data().taskId().toString(),
                JSON.writeValueAsString(event)));
      }
    }
    awaitCondition(() -> delivered(chatIds).size() >= messages / 4, Duration.ofMinutes(5));
    long atTerm = delivered(chatIds).size();
    long pendingAtTerm = notifierPending();
    notifier.destroy();
    notifier.waitFor(60, TimeUnit.SECONDS);
    notifier = startNotifier(port, "notifier-5b.log");
    processes.add(notifier);
    awaitReady(port, notifier, "notifier");
    awaitCondition(() -> delivered(chatIds).size() >= messages * 2 / 3, Duration.ofMinutes(5));
    long atKill = delivered(chatIds).size();
    Instant killed = Instant.now();
    notifier.destroyForcibly().waitFor();
    notifier = startNotifier(port, "notifier-5c.log");
    processes.add(notifier);
    awaitReady(port, notifier, "notifier");
    long deadline = System.nanoTime() + END_WAIT.toNanos();
    while (System.nanoTime() < deadline && distinctDelivered(chatIds) < messages) {
      Thread.sleep(500);
    }
    Instant done = Instant.now();
    Thread.sleep(3000);
    List<FakeTelegramBotApi.Request> sent =
        telegram.requests().stream().filter(r -> chatIds.contains(r.chatId())).toList();
    long accepted = delivered(chatIds).size();
    long distinct = distinctDelivered(chatIds);
    long tooMany = sent.stream().filter(r -> r.status() == 429).count();
    long perChatViolations = 0;
    Duration minGap = null;
    for (String chat : chatIds) {
      List<Instant> at =
          sent.stream()
              .filter(r -> chat.equals(r.chatId()))
              .map(FakeTelegramBotApi.Request::receivedAt)
              .toList();
      for (int i = 1; i < at.size(); i++) {
        Duration gap = Duration.between(at.get(i - 1), at.get(i));
        minGap = minGap == null || gap.compareTo(minGap) < 0 ? gap : minGap;
        if (gap.compareTo(Duration.ofSeconds(1)) < 0) {
          perChatViolations++;
        }
      }
    }
    System.out.printf(
        "scenario 5 notifier stopped mid-delivery: messages=%d to %d chats, SIGTERM after %d"
            + " delivered (%d pending), kill -9 after %d; delivered=%d lost=%d duplicates=%d;"
            + " 429 answers=%d; most requests in any second=%d, in any 5 s=%d (cap 25/s, Telegram's 30/s),"
            + " per-chat gaps under 1 s=%d"
            + " (shortest %s); all delivered %s after the kill (%s after publishing)%n",
        messages,
        chats,
        atTerm,
        pendingAtTerm,
        atKill,
        distinct,
        messages - distinct,
        accepted - distinct,
        tooMany,
        maxInAnySecond(sent),
        maxInAny(sent, Duration.ofSeconds(5)),
        perChatViolations,
        minGap == null ? "none" : minGap.toMillis() + " ms",
        seconds(distinct < messages ? null : Duration.between(killed, done)),
        seconds(distinct < messages ? null : Duration.between(published, done)));
    notifier.destroy();
    notifier.waitFor(60, TimeUnit.SECONDS);
  }

  private List<FakeTelegramBotApi.Request> delivered(List<String> chatIds) {
    return telegram.requests().stream()
        .filter(r -> r.accepted() && chatIds.contains(r.chatId()))
        .toList();
  }

  private long distinctDelivered(List<String> chatIds) {
    return delivered(chatIds).stream()
        .map(r -> r.visibleText().lines().findFirst().orElse(""))
        .collect(Collectors.toSet())
        .size();
  }

  private long notifierPending() throws SQLException {
    try (Connection db = DriverManager.getConnection(notifierDbUrl, dbUser, "");
        Statement statement = db.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "select count(*) from notifier.delivery where status = 'pending'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The most requests that arrived within any one second. */
  private static int maxInAnySecond(List<FakeTelegramBotApi.Request> requests) {
    return maxInAny(requests, Duration.ofSeconds(1));
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

  /** A task of {@code session} that succeeded, as the ledger announces it. */
  private static TaskLifecycleEvent completion(String session, String label) {
    UUID taskId = UUID.randomUUID();
    var data =
        new TaskLifecycleEvent.Data(
            taskId,
            TENANT,
            io.tasklane.contracts.Runtime.SUBAGENT,
            Executor.RUNNER,
            label,
            TaskStatus.SUCCEEDED,
            TaskStatus.RUNNING,
            null,
            NotifyPolicy.DONE_ONLY,
            DeliveryStatus.PENDING,
            session,
            "task_" + taskId,
            null,
            null,
            null,
            1,
            null,
            "Finished: " + label,
            null,
            Map.of());
    return TaskLifecycleEvent.of(
        UUID.randomUUID(), TaskLifecycleEvent.TYPE_STATUS_CHANGED, Instant.now(), 3, data);
  }

  /**
   * Scenario 4: a ledger and a runner on a PostgreSQL server of this benchmark's own (its data in
   * the work directory), a steady stream of creates, and that server stopped and started again on
   * the same port and data. Every create's answer is kept.
   */
  private void databaseRestart(List<Process> processes) throws Exception {
    Path data = work.resolve("postgres");
    int pgPort = freePort();
    EmbeddedPostgres postgres = startPostgres(data, pgPort);
    try {
      String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
      try (Connection db = DriverManager.getConnection(url, "postgres", "");
          Statement statement = db.createStatement()) {
        statement.execute("create database tasklane_ledger");
      }
      String database = "jdbc:postgresql://127.0.0.1:" + pgPort + "/tasklane_ledger";
      int port = freePort();
      String ledger = "http://127.0.0.1:" + port;
      // a consumer group of its own: the first ledger still runs on this broker, and in one group
      // the two would split the runners' reports between them, each ignoring the other's tasks
      Process ledgerProcess =
          startLedger(
              port, database, "ledger-4.log", "--tasklane.ledger.consumer-group=reliability-4");
      processes.add(ledgerProcess);
      awaitReady(port, ledgerProcess, "ledger on the benchmark's PostgreSQL");
      Runner runner = startRunner(processes, ledger);
      awaitReady(runner.port(), runner.process(), runner.id());
      String batch = "database-" + System.currentTimeMillis();
      List<String> acknowledged = new CopyOnWriteArrayList<>();
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicInteger problemsWithRetryAfter = new AtomicInteger();
      AtomicInteger unreachable = new AtomicInteger();
      String body = taskBody(batch, "");
      Thread load =
          steady(
              dbRate,
              Duration.ofSeconds(loadSeconds),
              () -> {
                try {
                  HttpResponse<String> response = postTask(ledger, body);
                  statuses
                      .computeIfAbsent(response.statusCode(), k -> new AtomicInteger())
                      .incrementAndGet();
                  if (response.statusCode() == 201) {
                    acknowledged.add(taskId(response.body()));
                  } else if (response.statusCode() == 503
                      && response
                          .headers()
                          .firstValue("Content-Type")
                          .orElse("")
                          .startsWith("application/problem+json")
                      && response.headers().firstValue("Retry-After").isPresent()) {
                    problemsWithRetryAfter.incrementAndGet();
                  }
                } catch (Exception e) {
                  unreachable.incrementAndGet();
                }
              });
      Thread.sleep(Duration.ofSeconds(Math.min(10, loadSeconds / 4)));
      Instant stopped = Instant.now();
      postgres.close();
      Thread.sleep(Duration.ofSeconds(dbDownSeconds));
      postgres = startPostgres(data, pgPort);
      Instant started = Instant.now();
      // the first create acknowledged after the server is back tells when the ledger recovered
      AtomicInteger before = new AtomicInteger(acknowledged.size());
      awaitCondition(() -> acknowledged.size() > before.get(), Duration.ofMinutes(2));
      Instant recoveredAt = Instant.now();
      load.join();
      Thread.sleep(2000);
      long stored;
      long ended;
      long succeeded;
      long markedLost;
      try (Connection db = DriverManager.getConnection(database, "postgres", "");
          var statement =
              db.prepareStatement(
                  """
                  select count(*),
                         count(*) filter (where status in
                           ('succeeded','failed','timed_out','cancelled','lost','needs_assistance')),
                         count(*) filter (where status = 'succeeded'),
                         count(*) filter (where status = 'lost')
                  from tasks where task_id = any (?::uuid[])
                  """)) {
        long deadline = System.nanoTime() + END_WAIT.toNanos();
        while (true) {
          statement.setArray(1, db.createArrayOf("text", acknowledged.toArray()));
          try (ResultSet rs = statement.executeQuery()) {
            rs.next();
            stored = rs.getLong(1);
            ended = rs.getLong(2);
            succeeded = rs.getLong(3);
            markedLost = rs.getLong(4);
          }
          if (ended >= acknowledged.size() || System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(1000);
        }
      }
      int total = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
      int serverErrors =
          statuses.entrySet().stream()
              .filter(e -> e.getKey() >= 500 && e.getKey() != 503)
              .mapToInt(e -> e.getValue().get())
              .sum();
      System.out.printf(
          "scenario 4 PostgreSQL restart (down %d s) at %d creates/s: creates=%d answered %s;"
              + " 503 problem with Retry-After=%d, 500 or other 5xx=%d, no answer=%d;"
              + " acknowledged=%d lost=%d succeeded=%d marked lost=%d; creates acknowledged"
              + " again %s after the"
              + " server was back (%s after it stopped)%n",
          dbDownSeconds,
          dbRate,
          total + unreachable.get(),
          new java.util.TreeMap<>(
              statuses.entrySet().stream()
                  .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()))),
          problemsWithRetryAfter.get(),
          serverErrors,
          unreachable.get(),
          acknowledged.size(),
          acknowledged.size() - stored,
          succeeded,
          markedLost,
          seconds(Duration.between(started, recoveredAt)),
          seconds(Duration.between(stopped, recoveredAt)));
      runner.process().destroy();
      runner.process().waitFor(60, TimeUnit.SECONDS);
      ledgerProcess.destroy();
      ledgerProcess.waitFor(60, TimeUnit.SECONDS);
    } finally {
      postgres.close();
    }
  }

  private static EmbeddedPostgres startPostgres(Path data, int port) throws IOException {
    Files.createDirectories(data);
    ProcessBuilder.Redirect log =
        ProcessBuilder.Redirect.appendTo(data.resolveSibling("postgres.log").toFile());
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(Duration.ofMinutes(1))
        .setOutputRedirector(log)
        .setErrorRedirector(log)
        .start();
  }

  /** When the first task was claimed after {@code after} (timed from {@code since}). */
  private Duration firstClaimAfter(String batch, Instant after, Instant since) throws SQLException {
    try (Connection db = DriverManager.getConnection(dbUrl, dbUser, "");
        var statement =
            db.prepareStatement(
                "select min(j.at) from journal j join tasks t using (task_id) where t.label = ?"
                    + " and j.type = 'status_changed' and j.payload->>'trigger' = 'claim'"
                    + " and j.at > ?")) {
      statement.setString(1, batch);
      statement.setTimestamp(2, Timestamp.from(after));
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        Timestamp at = rs.getTimestamp(1);
        return at == null ? null : Duration.between(after, at.toInstant());
      }
    }
  }

  /**
   * Opens each task's own SSE stream (its whole history) and reads it until every published
   * sequence has come or a few seconds passed; returns {missed, duplicates} over all tasks.
   */
  private long[] replayEachTask(Map<String, Set<Long>> published) throws Exception {
    AtomicInteger missed = new AtomicInteger();
    AtomicInteger duplicates = new AtomicInteger();
    try (ExecutorService readers = Executors.newFixedThreadPool(16, Thread.ofVirtual().factory())) {
      for (var entry : published.entrySet()) {
        readers.submit(
            () -> {
              try (LiveStream stream =
                  LiveStream.open(
                      http, ledgerUrl + "/api/v1/tasks/" + entry.getKey() + "/events", headers())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline
                    && !Set.copyOf(stream.seen(entry.getKey())).containsAll(entry.getValue())) {
                  Thread.sleep(50);
                }
                List<Long> seen = stream.seen(entry.getKey());
                missed.addAndGet(
                    (int) entry.getValue().stream().filter(seq -> !seen.contains(seq)).count());
                duplicates.addAndGet(seen.size() - Set.copyOf(seen).size());
              }
              return null;
            });
      }
    }
    return new long[] {missed.get(), duplicates.get()};
  }

  /**
   * An SSE stream of lifecycle events read on a thread of its own: the sequences (event ids) seen
   * per task, in order, repeats included.
   */
  private static final class LiveStream implements AutoCloseable {
    private final Map<String, List<Long>> seen = new ConcurrentHashMap<>();
    private final InputStream body;

    private LiveStream(InputStream body) {
      this.body = body;
      Thread.ofVirtual().name("sse-reader").start(this::read);
    }

    static LiveStream open(HttpClient http, String url, String[] headers) throws Exception {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .headers(headers)
                  .header("Accept", "text/event-stream")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + response.statusCode());
      }
      return new LiveStream(response.body());
    }

    List<Long> seen(String taskId) {
      return List.copyOf(seen.getOrDefault(taskId, List.of()));
    }

    private void read() {
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8))) {
        Long id = null;
        StringBuilder data = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
          if (line.startsWith("id:")) {
            id = Long.parseLong(line.substring(3).strip());
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
          } else if (line.isEmpty()) {
            if (id != null && !data.isEmpty()) {
              JsonNode event = JSON.readTree(data.toString());
              String type = event.path("type").asString("");
              if (type.equals(TaskLifecycleEvent.TYPE_CREATED)
                  || type.equals(TaskLifecycleEvent.TYPE_STATUS_CHANGED)) {
                seen.computeIfAbsent(
                        event.path("data").path("taskId").asString(),
                        k -> new CopyOnWriteArrayList<>())
                    .add(id);
              }
            }
            id = null;
            data.setLength(0);
          }
        }
      } catch (IOException | RuntimeException e) {
        // closed
      }
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /** Runs {@code action} {@code rate} times a second for {@code length}, each on its own thread. */
  private static Thread steady(int rate, Duration length, Runnable action) {
    return Thread.ofPlatform()
        .start(
            () -> {
              try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
                long interval = 1_000_000_000L / rate;
                long next = System.nanoTime();
                long end = next + length.toNanos();
                while (System.nanoTime() < end) {
                  load.submit(action);
                  next += interval;
                  long sleep = next - System.nanoTime();
                  if (sleep > 0) {
                    try {
                      Thread.sleep(Duration.ofNanos(sleep));
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }
              }
            });
  }

  private String[] headers() {
    return BenchIdentity.headers(signing, TENANT);
  }

  private static String taskId(String created) {
    return JSON.readTree(created).path("taskId").asString();
  }

  /** A percentile of the time from a task being queued again to its next claim. */
  private Duration requeueToClaim(String batch, double percentile) throws SQLException {
    try (Connection db = DriverManager.getConnection(dbUrl, dbUser, "");
        var statement =
            db.prepareStatement(
                """
                select percentile_cont(?) within group (order by extract(epoch from c.at - r.at))
                from journal r join tasks t using (task_id)
                join journal c on c.task_id = r.task_id and c.seq = r.seq + 1
                where t.label = ? and r.type = 'recovery' and c.type = 'status_changed'
                  and c.payload->>'trigger' = 'claim'
                """)) {
      statement.setDouble(1, percentile);
      statement.setString(2, batch);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        double value = rs.getDouble(1);
        return rs.wasNull() ? null : Duration.ofMillis((long) (value * 1000));
      }
    }
  }

  private record Result(long succeeded, long lost, long rerun, long duplicates) {}

  /** Waits until every task of the batch has ended (or the limit), then reads the figures. */
  private Result awaitEnds(String batch, int tasks) throws Exception {
    long deadline = System.nanoTime() + END_WAIT.toNanos();
    while (System.nanoTime() < deadline
        && count(
                "select count(*) from tasks where label = ? and status in"
                    + " ('succeeded','failed','timed_out','cancelled','lost','needs_assistance')",
                batch)
            < tasks) {
      Thread.sleep(500);
    }
    long succeeded =
        count("select count(*) from tasks where label = ? and status = 'succeeded'", batch);
    // lost: marked lost, or still not ended when the wait is over
    long lost =
        tasks
            - succeeded
            - count(
                "select count(*) from tasks where label = ? and status in"
                    + " ('failed','timed_out','cancelled','needs_assistance')",
                batch);
    long rerun =
        count(
            """
            select count(*) from journal s join tasks t using (task_id)
            where t.label = ? and s.type = 'step_started' and exists (
              select 1 from journal v where v.task_id = s.task_id and v.type = 'verdict'
                and (v.payload->>'passed')::boolean and v.payload->>'step' = s.payload->>'step'
                and v.seq < s.seq)
            """,
            batch);
    long duplicates =
        count(
            """
            select count(*) from (select j.task_id from journal j join tasks t using (task_id)
              where t.label = ? and j.type = 'status_changed' and j.payload->>'to' = 'succeeded'
              group by j.task_id having count(*) > 1) d
            """,
            batch);
    return new Result(succeeded, lost, rerun, duplicates);
  }

  /** When the first (last) task queued again after {@code since} was claimed by a runner. */
  private Duration firstReclaimAfter(String batch, Instant since) throws SQLException {
    return reclaim("min", batch, since);
  }

  private Duration lastReclaimAfter(String batch, Instant since) throws SQLException {
    return reclaim("max", batch, since);
  }

  private Duration reclaim(String which, String batch, Instant since) throws SQLException {
    try (Connection db = DriverManager.getConnection(dbUrl, dbUser, "");
        var statement =
            db.prepareStatement(
                "select "
                    + which
                    + "(j.at) from journal j join tasks t using (task_id) where t.label = ?"
                    + " and j.type = 'status_changed' and j.payload->>'trigger' = 'claim'"
                    + " and j.attempt > 1 and j.at > ?")) {
      statement.setString(1, batch);
      statement.setTimestamp(2, Timestamp.from(since));
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        Timestamp at = rs.getTimestamp(1);
        return at == null ? null : Duration.between(since, at.toInstant());
      }
    }
  }

  private String createTask(String batch) throws Exception {
    return createTask(batch, "");
  }

  /** Creates one task of the batch; {@code extra} adds fields to the body. */
  private String createTask(String batch, String extra) throws Exception {
    String body = taskBody(batch, extra);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response = postTask(ledgerUrl, body);
      if (response.statusCode() == 201) {
        return response.body();
      }
      if (attempt == 3) {
        throw new IllegalStateException("Create answered " + response.statusCode());
      }
      Thread.sleep(200);
    }
  }

  private static String taskBody(String batch, String extra) {
    return """
        {"goal":"Write two files","runtime":"subagent","label":"%s",%s
         "plan":[{"description":"Write step-0.txt","doneWhen":"step-0.txt exists"},
                 {"description":"Write step-1.txt","doneWhen":"step-1.txt exists"}],
         "modelOptions":{"model":"slow","verifierModel":"slow"}}"""
        .formatted(batch, extra);
  }

  private HttpResponse<String> postTask(String ledger, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(ledger + "/api/v1/tasks"))
            .headers(BenchIdentity.headers(signing, TENANT))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The slow model: writes {@code step-N.txt} with one call, then says so; as verifier (Ollama) it
   * answers YES; every answer after {@code delay}.
   */
  private static Script slowModel(Duration delay) {
    return request -> {
      Reply reply;
      if (request.format() == RecordedRequest.WireFormat.OLLAMA) {
        reply = Reply.text("YES the file was written");
      } else if (request.messages().getFirst().content().startsWith("Write a short final")) {
        reply = Reply.text("Both files were written.");
      } else if (request.messages().getLast().role().equals("tool")) {
        reply = Reply.text("The file is written.");
      } else {
        long done = request.messages().stream().filter(m -> m.role().equals("tool")).count();
        reply =
            Reply.toolCall(
                "write_file", "{\"path\":\"step-" + done + ".txt\",\"content\":\"done\"}");
      }
      return Reply.after(delay, reply);
    };
  }

  private Process startLedger(int port, String database, String log, String... extra)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(jar("task-ledger-service").toString());
    command.add("--server.port=" + port);
    command.add("--spring.datasource.url=" + database);
    command.add("--spring.datasource.username=" + dbUser);
    command.add("--spring.kafka.bootstrap-servers=" + broker.bootstrapServers());
    command.add("--management.endpoint.health.probes.enabled=true");
    command.add("--logging.level.root=warn");
    command.addAll(List.of(extra));
    return start(command, log);
  }

  private Process startNotifier(int port, String log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(jar("notifier-service").toString());
    command.add("--server.port=" + port);
    command.add("--spring.datasource.url=" + notifierDbUrl);
    command.add("--spring.datasource.username=" + dbUser);
    command.add("--spring.kafka.bootstrap-servers=" + broker.bootstrapServers());
    command.add("--management.endpoint.health.probes.enabled=true");
    command.add("--logging.level.root=warn");
    command.add("--tasklane.notifier.telegram.base-url=" + telegram.baseUrl());
    command.add("--tasklane.notifier.telegram.bot-token=" + telegram.token());
    return start(command, log);
  }

  private Runner startRunner(List<Process> processes) throws IOException {
    return startRunner(processes, ledgerUrl);
  }

  private Runner startRunner(List<Process> processes, String ledger) throws IOException {
    String id = "runner-" + runnerNumber.incrementAndGet();
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(jar("runner-service").toString());
    command.add("--server.port=" + port);
    command.add("--spring.kafka.bootstrap-servers=" + broker.bootstrapServers());
    command.add("--management.endpoint.health.probes.enabled=true");
    command.add("--logging.level.root=warn");
    command.add("--logging.level.io.tasklane=info");
    command.add("--tasklane.runner.runner-id=" + id);
    command.add("--tasklane.runner.ledger-url=" + ledger);
    command.add("--tasklane.runner.slots=400");
    command.add("--tasklane.runner.tools.workspace-root=" + work.resolve("workspaces"));
    command.add("--tasklane.runner.models.executor.provider=openai");
    command.add("--tasklane.runner.models.executor.base-url=" + models.openAiBaseUrl());
    command.add("--tasklane.runner.models.verifier.provider=ollama");
    command.add("--tasklane.runner.models.verifier.base-url=" + models.ollamaBaseUrl());
    command.add("--tasklane.runner.models.max-concurrent-requests-per-endpoint=400");
    Process process = start(command, id + ".log");
    processes.add(process);
    return new Runner(id, port, process);
  }

  private Process start(List<String> command, String log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(log).toFile());
    builder.environment().put(BenchIdentity.KEY_ENV, KEY);
    return builder.start();
  }

  private Path jar(String module) throws IOException {
    Path target = home.resolve(module).resolve("target");
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("No jar under " + target + "; build it"));
    }
  }

  private String freshDatabase(String purpose) throws SQLException {
    String name = "tasklane_reliability_" + purpose + "_" + System.currentTimeMillis();
    try (Connection db = DriverManager.getConnection(adminDbUrl, dbUser, "");
        Statement statement = db.createStatement()) {
      statement.execute("create database " + name);
    }
    return adminDbUrl.substring(0, adminDbUrl.lastIndexOf('/') + 1) + name;
  }

  private long count(String sql, Object... params) throws SQLException {
    try (Connection db = DriverManager.getConnection(dbUrl, dbUser, "");
        var statement = db.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitCondition(Condition condition, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out waiting for the tasks to run");
      }
      Thread.sleep(200);
    }
  }

  private void awaitReady(int port, Process process, String name) throws InterruptedException {
    URI health = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("The " + name + " exited during start-up; see " + work);
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("The " + name + " did not become ready");
  }

  private static String seconds(Duration duration) {
    return duration == null ? "never" : "%.1f s".formatted(duration.toMillis() / 1000.0);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return key;
  }
}

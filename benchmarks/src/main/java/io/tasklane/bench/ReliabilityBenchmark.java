package io.tasklane.bench;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.Topics;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.io.IOException;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Faults against the real services, each started from its jar on loopback: the ledger (on a fresh
 * PostgreSQL database), two runners, an in-process KRaft broker and the scripted model server
 * playing a slow model. Every service runs with its default lease, heartbeat and recovery settings.
 * One line per scenario; the figures are read back from the ledger's own journal.
 *
 * <ol>
 *   <li>kill -9 one runner with {@code --kill-tasks} tasks in flight; the other takes over;
 *   <li>rolling restart (SIGTERM, start again) of both runners under a steady {@code --rate}
 *       tasks/s.
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

  private static final String TENANT = "reliability";
  private static final Duration END_WAIT = Duration.ofMinutes(4);

  private final HttpClient http = HttpClient.newHttpClient();
  private final SignedIdentity signing = new SignedIdentity(KEY, SignedIdentity.DEFAULT_MAX_AGE);
  private static final String KEY = HexFormat.of().formatHex(randomKey());

  private EmbeddedKafkaKraftBroker broker;
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
    work = Files.createTempDirectory("reliability");
    models = ScriptedModelServer.start();
    models.script("slow", slowModel(Duration.ofMillis(modelDelayMillis)));
    List<Process> processes = new ArrayList<>();
    try {
      dbUrl = freshDatabase();
      int ledgerPort = freePort();
      ledgerUrl = "http://127.0.0.1:" + ledgerPort;
      Process ledger = startLedger(ledgerPort);
      processes.add(ledger);
      awaitReady(ledgerPort, ledger, "ledger");
      System.out.printf(
          "Services: ledger, 2 runners (defaults: heartbeat 2 s, lease 8 s, grace 3 s, lease pass"
              + " 1 s), model answers after %d ms; work in %s%n",
          modelDelayMillis, work);
      killOneRunner(processes);
      rollingRestart(processes);
    } finally {
      for (Process process : processes) {
        process.destroyForcibly();
      }
      models.close();
      broker.destroy();
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
    for (Runner old : List.of(a, b)) {
      terms.add(Instant.now());
      old.process().destroy();
      old.process().waitFor(60, TimeUnit.SECONDS);
      Runner replacement = startRunner(processes);
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
    String body =
        """
        {"goal":"Write two files","runtime":"subagent","label":"%s",
         "plan":[{"description":"Write step-0.txt","doneWhen":"step-0.txt exists"},
                 {"description":"Write step-1.txt","doneWhen":"step-1.txt exists"}],
         "modelOptions":{"model":"slow","verifierModel":"slow"}}"""
            .formatted(batch);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(ledgerUrl + "/api/v1/tasks"))
                  .headers(BenchIdentity.headers(signing, TENANT))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 201) {
        return response.body();
      }
      if (attempt == 3) {
        throw new IllegalStateException("Create answered " + response.statusCode());
      }
      Thread.sleep(200);
    }
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

  private Process startLedger(int port) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(jar("task-ledger-service").toString());
    command.add("--server.port=" + port);
    command.add("--spring.datasource.url=" + dbUrl);
    command.add("--spring.datasource.username=" + dbUser);
    command.add("--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString());
    command.add("--management.endpoint.health.probes.enabled=true");
    command.add("--logging.level.root=warn");
    return start(command, "ledger.log");
  }

  private Runner startRunner(List<Process> processes) throws IOException {
    String id = "runner-" + runnerNumber.incrementAndGet();
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(jar("runner-service").toString());
    command.add("--server.port=" + port);
    command.add("--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString());
    command.add("--management.endpoint.health.probes.enabled=true");
    command.add("--logging.level.root=warn");
    command.add("--logging.level.io.tasklane=info");
    command.add("--tasklane.runner.runner-id=" + id);
    command.add("--tasklane.runner.ledger-url=" + ledgerUrl);
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

  private String freshDatabase() throws SQLException {
    String name = "tasklane_reliability_" + System.currentTimeMillis();
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

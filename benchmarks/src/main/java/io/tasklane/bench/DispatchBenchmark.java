package io.tasklane.bench;

import io.tasklane.suite.LocalSuite;
import io.tasklane.suite.SuiteArguments;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Dispatch speed through the whole suite: gateway, ledger (PostgreSQL, outbox, Kafka), runner, and
 * the scripted model server in this JVM answering at once. Every task is one verified step: the
 * executor writes done.txt with a real tool call, says so, the verifier answers YES, the summary is
 * written.
 *
 * <ul>
 *   <li>{@code latency}: creates at a fixed rate; for each task the time from sending its create to
 *       the model server receiving the task's first request (both clocks are this JVM's).
 *   <li>{@code burst}: creates {@code --tasks} at once from 32 threads; tasks/s from the first
 *       create to the last {@code succeeded} (the ledger's {@code ended_at}), lost (not succeeded
 *       at the end), duplicate runs (a task whose first round reached the model more than once),
 *       and slot utilisation sampled from the runner's metrics while the ledger had tasks queued.
 * </ul>
 */
@Command(name = "dispatch-benchmark", mixinStandardHelpOptions = true)
public final class DispatchBenchmark implements Callable<Integer> {

  @Option(names = "--home", defaultValue = ".")
  Path home;

  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://localhost:5432/postgres")
  String dbUrl;

  @Option(names = "--db-user", defaultValue = "postgres")
  String dbUser;

  @Option(names = "--mode", defaultValue = "latency", description = "latency or burst")
  String mode;

  @Option(names = "--rate", defaultValue = "50", description = "Creates per second (latency).")
  int rate;

  @Option(names = "--duration", defaultValue = "60", description = "Seconds measured (latency).")
  int duration;

  @Option(names = "--warmup", defaultValue = "10", description = "Seconds of warm-up (latency).")
  int warmup;

  @Option(names = "--tasks", defaultValue = "5000", description = "Tasks in the burst.")
  int tasks;

  @Option(names = "--slots", defaultValue = "64")
  int slots;

  @Option(names = "--model-concurrency", defaultValue = "32")
  int modelConcurrency;

  @Option(names = "--creators", defaultValue = "32", description = "Concurrent creates (burst).")
  int creators;

  @Option(
      names = "--statement-log",
      description =
          "PostgreSQL's server log (stderr, log_line_prefix with %%d): when given, the ledger's"
              + " database logs every statement and the burst counts them per task.")
  Path statementLog;

  private static final Pattern METRIC_VALUE =
      Pattern.compile("\"statistic\"\\s*:\\s*\"VALUE\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.eE+-]+)");
  private static final Pattern TAG = Pattern.compile("bench-([0-9a-f]+)-(\\d+)");
  private final HttpClient http =
      HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  private final String run =
      HexFormat.of()
          .formatHex(java.nio.ByteBuffer.allocate(4).putInt((int) System.nanoTime()).array());
  private final Map<Integer, Long> createdAt = new ConcurrentHashMap<>();
  private String gateway;
  private String database;
  private String apiKey;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DispatchBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String database = "bench_dispatch_" + run;
    try (var admin = DriverManager.getConnection(dbUrl, dbUser, "")) {
      admin.createStatement().execute("create database " + database);
      admin.createStatement().execute("create database " + database + "_n");
      if (statementLog != null) {
        admin
            .createStatement()
            .execute("alter database " + database + " set log_statement = 'all'");
      }
    }
    this.database = database;
    String ledgerDb = dbUrl.replaceAll("/[^/?]+(\\?.*)?$", "/" + database);
    apiKey = "tl_bench_" + run;
    try (var models = ScriptedModelServer.start()) {
      models.script("bench-exec", DispatchBenchmark::executor);
      models.script("bench-verify", Script.always(Reply.text("YES: done.txt was written.")));
      LocalSuite suite =
          LocalSuite.fromArguments(
              SuiteArguments.services("ledger", "runner", "gateway")
                  .postgres(dbUrl, dbUser, "")
                  .databases(database, database + "_n")
                  .model(models.openAiBaseUrl(), "bench-exec")
                  .home(home)
                  .tenant("bench", apiKey)
                  .set("runner", "tasklane.runner.slots", Integer.toString(slots))
                  .set(
                      "runner",
                      "tasklane.runner.models.max-concurrent-requests-per-endpoint",
                      Integer.toString(modelConcurrency))
                  .set("runner", "logging.level.io.tasklane.runner.agent.RunningTasks", "warn")
                  .set("gateway", "tasklane.gateway.rate-limit.requests-per-second", "100000")
                  .set("gateway", "tasklane.gateway.rate-limit.burst", "100000")
                  .toArray());
      try {
        suite.start();
        gateway = "http://localhost:" + suite.port("gateway");
        System.out.printf(
            "Suite up (slots=%d, model concurrency=%d); load average %s%n",
            slots, modelConcurrency, loadAverage());
        if (mode.equals("latency")) {
          latency(models);
          publishDelay("http://localhost:" + suite.port("ledger") + "/actuator/prometheus");
        } else {
          burst(models, suite, ledgerDb);
        }
        System.out.printf("Load average after: %s%n", loadAverage());
      } finally {
        suite.stop();
      }
    }
    return 0;
  }

  private static Reply executor(RecordedRequest request) {
    if (request.tools().isEmpty()) {
      return Reply.text("done.txt is written.");
    }
    return request.messages().stream().anyMatch(m -> m.role().equals("tool"))
        ? Reply.text("done.txt is written.")
        : Reply.toolCall("write_file", "{\"path\":\"done.txt\",\"content\":\"done\"}");
  }

  // --- latency ----------------------------------------------------------------------------------

  private void latency(ScriptedModelServer models) throws Exception {
    paced(warmup * rate, 0);
    Thread.sleep(3000);
    int first = warmup * rate;
    int count = duration * rate;
    paced(count, first);
    Thread.sleep(5000);
    Map<Integer, Long> firstRequest = firstRequests(models);
    List<Double> millis = new ArrayList<>();
    int missing = 0;
    for (int n = first; n < first + count; n++) {
      Long created = createdAt.get(n);
      Long reached = firstRequest.get(n);
      if (created == null || reached == null) {
        missing++;
        continue;
      }
      millis.add((reached - created) / 1e6);
    }
    millis.sort(null);
    System.out.printf(
        "create -> first model request at %d/s for %d s: n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms"
            + " max=%.1f ms (no request within 5 s after the last create: %d)%n",
        rate,
        duration,
        millis.size(),
        pct(millis, 50),
        pct(millis, 90),
        pct(millis, 99),
        millis.isEmpty() ? 0 : millis.getLast(),
        missing);
  }

  /**
   * The outbox relay's delay from a message's commit time to Kafka's acknowledgement, as the ledger
   * measured it: the mean over the run; p50, p99 and the maximum over its last two minutes
   * (Micrometer's decaying window).
   */
  private void publishDelay(String ledgerMetrics) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create(ledgerMetrics)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Double> values = new HashMap<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("tasklane_outbox_publish_delay_seconds")) {
        String name = line.substring(0, line.lastIndexOf(' '));
        values.put(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    double count = values.getOrDefault("tasklane_outbox_publish_delay_seconds_count", 0.0);
    double sum = values.getOrDefault("tasklane_outbox_publish_delay_seconds_sum", 0.0);
    System.out.printf(
        "outbox publish delay: %d messages, mean %.1f ms; last 2 min: p50 %.1f ms, p99 %.1f ms,"
            + " max %.1f ms%n",
        (long) count,
        count == 0 ? 0 : sum / count * 1000,
        value(values, "quantile=\"0.5\"") * 1000,
        value(values, "quantile=\"0.99\"") * 1000,
        values.getOrDefault("tasklane_outbox_publish_delay_seconds_max", 0.0) * 1000);
  }

  private static double value(Map<String, Double> values, String label) {
    return values.entrySet().stream()
        .filter(e -> e.getKey().contains(label))
        .mapToDouble(Map.Entry::getValue)
        .findFirst()
        .orElse(0);
  }

  /** Creates {@code count} tasks numbered from {@code first} at {@code rate} per second. */
  private void paced(int count, int first) throws Exception {
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        long due = start + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        int n = first + i;
        senders.execute(() -> create(n));
      }
    }
  }

  private void create(int n) {
    String body =
        """
        {"goal":"Write done.txt (bench-%s-%d)",
         "plan":[{"description":"Write done.txt","doneWhen":"done.txt exists"}],
         "modelOptions":{"model":"bench-exec","verifierModel":"bench-verify"}}
        """
            .formatted(run, n);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(gateway + "/api/v1/tasks"))
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    for (int attempt = 0; attempt < 5; attempt++) {
      long sent = System.nanoTime();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 201) {
          createdAt.put(n, sent);
          return;
        }
        System.err.println("create " + n + ": " + response.statusCode() + " " + response.body());
      } catch (Exception e) {
        System.err.println("create " + n + ": " + e);
      }
    }
  }

  /** Task number to the time the model server received the task's first request. */
  private Map<Integer, Long> firstRequests(ScriptedModelServer models) {
    Map<Integer, Long> first = new HashMap<>();
    for (RecordedRequest request : models.requests("bench-exec")) {
      Matcher m = TAG.matcher(request.transcript());
      if (m.find() && m.group(1).equals(run)) {
        first.merge(Integer.parseInt(m.group(2)), request.receivedNanos(), Math::min);
      }
    }
    return first;
  }

  // --- burst ------------------------------------------------------------------------------------

  private void burst(ScriptedModelServer models, LocalSuite suite, String ledgerDb)
      throws Exception {
    // a short warm-up of the whole path, not counted
    int warm = Math.min(200, tasks / 10);
    for (int n = 0; n < warm; n++) {
      create(n);
    }
    try (Connection db = DriverManager.getConnection(ledgerDb, dbUser, "")) {
      awaitEnded(db, warm, Duration.ofMinutes(2));
      Map<String, Long> kafkaBefore = kafkaRecords(suite.bootstrapServers());
      long commitsBefore = commits(db);
      Map<String, Long> statementsBefore = statements();
      Map<String, Double> cpuBefore = cpuSeconds(db);
      // the one gauge, not the whole Prometheus page: scraping that ten times a second cost the
      // runner a noticeable share of its CPU
      String runnerMetrics =
          "http://localhost:"
              + suite.port("runner")
              + "/actuator/metrics/tasklane.runner.slots.busy";
      AtomicInteger done = new AtomicInteger();
      List<double[]> samples = new ArrayList<>();
      Thread sampler =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Connection s = DriverManager.getConnection(ledgerDb, dbUser, "")) {
                      while (done.get() == 0) {
                        long queued = count(s, "status = 'queued'");
                        double busy = metric(runnerMetrics);
                        synchronized (samples) {
                          samples.add(new double[] {queued, busy});
                        }
                        Thread.sleep(100);
                      }
                    } catch (Exception e) {
                      System.err.println("sampler: " + e);
                    }
                  });
      long start = System.currentTimeMillis();
      Semaphore inFlight = new Semaphore(creators);
      try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int n = warm; n < warm + tasks; n++) {
          int task = n;
          inFlight.acquire();
          senders.execute(
              () -> {
                try {
                  create(task);
                } finally {
                  inFlight.release();
                }
              });
        }
      }
      long createdBy = System.currentTimeMillis();
      boolean all = awaitEnded(db, warm + tasks, Duration.ofMinutes(15));
      done.set(1);
      sampler.join();
      Map<String, Long> kafkaAfter = kafkaRecords(suite.bootstrapServers());
      long commitsAfter = commits(db);
      Map<String, Long> statementsAfter = statements();
      Map<String, Double> cpuAfter = cpuSeconds(db);
      ResultSet r =
          db.createStatement()
              .executeQuery(
                  "select count(*) filter (where status = 'succeeded'),"
                      + " extract(epoch from max(ended_at)) * 1000 from tasks"
                      + " where created_at >= to_timestamp("
                      + start / 1000.0
                      + ")");
      r.next();
      long succeeded = r.getLong(1);
      double lastEnded = r.getDouble(2);
      double seconds = (lastEnded - start) / 1000.0;
      Map<Integer, Integer> firstRounds = new HashMap<>();
      for (RecordedRequest request : models.requests("bench-exec")) {
        Matcher m = TAG.matcher(request.transcript());
        if (!request.tools().isEmpty()
            && request.messages().stream().noneMatch(msg -> msg.role().equals("tool"))
            && m.find()
            && Integer.parseInt(m.group(2)) >= warm) {
          firstRounds.merge(Integer.parseInt(m.group(2)), 1, Integer::sum);
        }
      }
      long duplicates = firstRounds.values().stream().filter(c -> c > 1).count();
      double busySum = 0;
      int queuedSamples = 0;
      for (double[] s : samples) {
        if (s[0] > 0) {
          busySum += s[1];
          queuedSamples++;
        }
      }
      System.out.printf(
          "burst of %d (slots=%d, model concurrency=%d): creates took %.1f s; first create to last"
              + " succeeded %.1f s = %.0f tasks/s; succeeded %d, lost %d, duplicate runs %d%n",
          tasks,
          slots,
          modelConcurrency,
          (createdBy - start) / 1000.0,
          seconds,
          succeeded / seconds,
          succeeded,
          tasks - succeeded,
          duplicates);
      System.out.printf(
          "slot utilisation while tasks were queued: %.1f %% over %d samples (100 ms apart)%n",
          queuedSamples == 0 ? 0 : 100 * busySum / queuedSamples / slots, queuedSamples);
      System.out.printf(
          "per task: %.2f Kafka records, %.2f ledger transactions (all completed: %s)%n",
          perTask(delta(kafkaBefore, kafkaAfter)).values().stream().mapToDouble(d -> d).sum(),
          (commitsAfter - commitsBefore) / (double) tasks,
          all);
      perTask(delta(kafkaBefore, kafkaAfter))
          .forEach((topic, n) -> System.out.printf("  %6.2f records  %s%n", n, topic));
      StringBuilder cpu = new StringBuilder("CPU per task (ms):");
      double total = 0;
      for (var process : cpuAfter.entrySet()) {
        double ms =
            (process.getValue() - cpuBefore.getOrDefault(process.getKey(), 0.0)) * 1000 / tasks;
        total += ms;
        cpu.append(" %s %.1f,".formatted(process.getKey(), ms));
      }
      System.out.println(cpu.append(" total %.1f".formatted(total)));
      if (statementLog != null) {
        Map<String, Double> statements = perTask(delta(statementsBefore, statementsAfter));
        System.out.printf(
            "per task: %.2f ledger database statements, BEGIN and COMMIT included%n",
            statements.values().stream().mapToDouble(d -> d).sum());
        statements.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .forEach(e -> System.out.printf("  %6.2f  %s%n", e.getValue(), e.getKey()));
      }
    }
  }

  /**
   * CPU time (user + system) so far of each process of the suite (this JVM holds the model server
   * and the load generator), and of the PostgreSQL backends serving the ledger's database, from
   * {@code /proc}. Backends that ended since the first reading are missing from the second, so
   * PostgreSQL's figure is a lower bound.
   */
  private Map<String, Double> cpuSeconds(Connection db) throws Exception {
    Map<String, Double> cpu = new java.util.TreeMap<>();
    cpu.put("benchmark+model", cpuSeconds(ProcessHandle.current().pid()));
    ProcessHandle.current()
        .descendants()
        .forEach(
            child -> {
              String line = child.info().commandLine().orElse("");
              for (String service : List.of("task-ledger", "runner", "gateway")) {
                if (line.contains(service + "-service")) {
                  cpu.merge(service.replace("task-", ""), cpuSeconds(child.pid()), Double::sum);
                }
              }
            });
    ResultSet backends =
        db.createStatement()
            .executeQuery(
                "select pid from pg_stat_activity where datname = current_database()"
                    + " and pid <> pg_backend_pid()");
    double postgres = 0;
    while (backends.next()) {
      postgres += cpuSeconds(backends.getLong(1));
    }
    cpu.put("postgres", postgres);
    return cpu;
  }

  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime, fields 14 and 15 of the line, in clock ticks of 10 ms
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (Exception e) {
      return 0;
    }
  }

  /**
   * The statements the server has logged for the ledger's database so far, by kind (empty without a
   * log). A statement's continuation lines start with a tab in PostgreSQL's log.
   */
  private Map<String, Long> statements() throws Exception {
    Map<String, Long> kinds = new java.util.TreeMap<>();
    if (statementLog == null) {
      return kinds;
    }
    String prefix = "@" + database + " LOG:  ";
    StringBuilder current = null;
    for (String line : Files.readAllLines(statementLog)) {
      if (current != null && line.startsWith("\t")) {
        current.append(' ').append(line.trim());
        continue;
      }
      if (current != null) {
        count(kinds, current.toString());
        current = null;
      }
      int at = line.indexOf(prefix);
      if (at < 0) {
        continue;
      }
      String message = line.substring(at + prefix.length());
      if (message.startsWith("execute ")) {
        current = new StringBuilder(message.substring(message.indexOf(": ") + 2));
      } else if (message.startsWith("statement: ")) {
        current = new StringBuilder(message.substring("statement: ".length()));
      }
    }
    if (current != null) {
      count(kinds, current.toString());
    }
    return kinds;
  }

  private static final Pattern TABLE =
      Pattern.compile(
          "\\b(from|into|update|join)\\s+([a-z_]+)(\\s+(?:[a-z0-9_]+\\s+)?set\\s+([a-z_]+))?");

  /**
   * Counts a statement under its kind: its verb and the tables it reads or writes (with the first
   * column an update sets), e.g. {@code update tasks(lease_expires_at)}; not this benchmark's own
   * probes.
   */
  private static void count(Map<String, Long> kinds, String statement) {
    String sql = statement.toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ").trim();
    if (sql.contains("where status = '")
        || sql.contains("pg_stat_database")
        || sql.contains("pg_stat_activity")
        || sql.contains("extract(epoch")) {
      return;
    }
    String verb = sql.split("[ (;]", 2)[0];
    java.util.Set<String> tables = new java.util.LinkedHashSet<>();
    Matcher m = TABLE.matcher(sql);
    while (m.find()) {
      String table = m.group(2);
      if (table.equals("unnest") || table.equals("select") || table.equals("task")) {
        continue;
      }
      if (m.group(1).equals("update") && m.group(4) != null) {
        table = "update " + table + "(" + m.group(4) + ")";
      } else if (m.group(1).equals("into")) {
        table = "insert " + table;
      }
      tables.add(table);
    }
    String kind =
        tables.isEmpty()
            ? sql.substring(0, Math.min(sql.length(), 48))
            : verb + ": " + String.join(", ", tables);
    kinds.merge(kind, 1L, Long::sum);
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new java.util.TreeMap<>();
    after.forEach(
        (key, n) -> {
          long d = n - before.getOrDefault(key, 0L);
          if (d != 0) {
            delta.put(key, d);
          }
        });
    return delta;
  }

  private Map<String, Double> perTask(Map<String, Long> counts) {
    Map<String, Double> perTask = new java.util.TreeMap<>();
    counts.forEach((key, n) -> perTask.put(key, n / (double) tasks));
    return perTask;
  }

  private static boolean awaitEnded(Connection db, int expected, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (count(db, "status = 'succeeded'") >= expected) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private static long count(Connection db, String where) throws Exception {
    ResultSet r = db.createStatement().executeQuery("select count(*) from tasks where " + where);
    r.next();
    return r.getLong(1);
  }

  private static long commits(Connection db) throws Exception {
    ResultSet r =
        db.createStatement()
            .executeQuery(
                "select xact_commit from pg_stat_database where datname = current_database()");
    r.next();
    return r.getLong(1);
  }

  private double metric(String url) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher value = METRIC_VALUE.matcher(body);
    return value.find() ? Double.parseDouble(value.group(1)) : 0;
  }

  /** The end offsets of every topic, summed over its partitions. */
  private static Map<String, Long> kafkaRecords(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (var topic :
          admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values()) {
        if (topic.name().startsWith("__")) {
          continue;
        }
        topic
            .partitions()
            .forEach(
                p ->
                    latest.put(
                        new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<String, Long> records = new java.util.TreeMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((partition, info) -> records.merge(partition.topic(), info.offset(), Long::sum));
      return records;
    }
  }

  private static double pct(List<Double> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}

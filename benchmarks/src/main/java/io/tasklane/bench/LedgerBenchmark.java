package io.tasklane.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures a running ledger through its HTTP API: sustained create throughput with the outbox on,
 * then read latencies with a large table seeded directly in PostgreSQL.
 */
@Command(name = "ledger-benchmark", mixinStandardHelpOptions = true)
public final class LedgerBenchmark implements Callable<Integer> {

  private io.tasklane.contracts.SignedIdentity signing;

  private static final int ROUND = 500;

  @Option(names = "--ledger-url", defaultValue = "http://localhost:8081")
  String ledgerUrl;

  @Option(
      names = "--db-url",
      defaultValue = "jdbc:postgresql://localhost:5432/tasklane_ledger",
      description = "The ledger's database, for seeding and watching the outbox.")
  String dbUrl;

  @Option(names = "--db-user", defaultValue = "postgres")
  String dbUser;

  @Option(names = "--db-password", defaultValue = "")
  String dbPassword;

  @Option(names = "--duration", defaultValue = "60", description = "Seconds of create load.")
  int durationSeconds;

  @Option(names = "--concurrency", defaultValue = "32")
  int concurrency;

  @Option(names = "--seed", defaultValue = "1000000", description = "Tasks stored for the reads.")
  int seed;

  @Option(names = "--samples", defaultValue = "10000", description = "Timed requests per read.")
  int samples;

  @Option(names = "--warmup", defaultValue = "2000", description = "Untimed requests per read.")
  int warmup;

  @Option(names = "--skip-create", defaultValue = "false")
  boolean skipCreate;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new LedgerBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    signing = BenchIdentity.fromEnvironment();
    if (!skipCreate) {
      createThroughput();
    }
    seedTasks();
    readLatencies();
    return 0;
  }

  private void createThroughput() throws Exception {
    String tenant = "bench-create";
    System.out.printf("Create load: %d clients for %d s%n", concurrency, durationSeconds);
    warmUp(tenant);
    AtomicLongArray perSecond = new AtomicLongArray(durationSeconds);
    AtomicLong errors = new AtomicLong();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(durationSeconds).toNanos();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      clients.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < end) {
                      long t0 = System.nanoTime();
                      int status = create(tenant);
                      long t1 = System.nanoTime();
                      if (status == 201) {
                        int second = (int) ((t1 - start) / 1_000_000_000L);
                        if (second < durationSeconds) {
                          perSecond.incrementAndGet(second);
                        }
                        latencies.add(t1 - t0);
                      } else {
                        errors.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread client : clients) {
      client.join();
    }
    long[] rates = new long[durationSeconds];
    long total = 0;
    for (int i = 0; i < durationSeconds; i++) {
      rates[i] = perSecond.get(i);
      total += rates[i];
    }
    long drainStart = System.nanoTime();
    long backlog;
    try (Connection db = DriverManager.getConnection(dbUrl, dbUser, dbPassword)) {
      do {
        var rs =
            db.createStatement()
                .executeQuery("select count(*) from outbox where published_seq is null");
        rs.next();
        backlog = rs.getLong(1);
        if (backlog > 0) {
          Thread.sleep(100);
        }
      } while (backlog > 0 && System.nanoTime() - drainStart < Duration.ofMinutes(5).toNanos());
    }
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    long[] sortedRates = rates.clone();
    Arrays.sort(sortedRates);
    System.out.printf(
        "created=%d errors=%d mean=%.0f/s median-second=%d/s min-second=%d/s%n",
        total,
        errors.get(),
        total / (double) durationSeconds,
        sortedRates[durationSeconds / 2],
        sortedRates[0]);
    System.out.printf(
        "create latency p50=%.1f ms p99=%.1f ms; outbox drained %.1f s after the load%n",
        percentile(latencies, 0.50), percentile(latencies, 0.99), drainSeconds);
  }

  private void warmUp(String tenant) {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      clients.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < until) {
                      create(tenant);
                    }
                  }));
    }
    clients.forEach(LedgerBenchmark::join);
  }

  private int create(String tenant) {
    int n = ThreadLocalRandom.current().nextInt(1_000_000);
    String body =
        """
        {"goal":"Summarise incident %d and post the timeline","label":"bench-%d","runtime":"subagent","requesterSessionKey":"chat:%d","metadata":{"source":"benchmark"}}
        """
            .formatted(n, n % 100, n % 5000);
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(ledgerUrl + "/api/v1/tasks"))
                  .header("Content-Type", "application/json")
                  .headers(BenchIdentity.headers(signing, tenant))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private void seedTasks() throws Exception {
    try (Connection db = DriverManager.getConnection(dbUrl, dbUser, dbPassword)) {
      var existing =
          db.createStatement()
              .executeQuery("select count(*) from tasks where tenant = 'bench-read'");
      existing.next();
      long have = existing.getLong(1);
      if (have >= seed) {
        System.out.printf("Read data: %d tasks already stored%n", have);
        return;
      }
      System.out.printf("Seeding %d tasks for tenant bench-read ...%n", seed - have);
      long t0 = System.nanoTime();
      var insert =
          db.prepareStatement(
              """
              insert into tasks (task_id, tenant, runtime, executor, label, goal, status,
                delivery_status, notify_policy, requester_session_key, child_session_key, run_id,
                attempt, created_at, last_event_at, metadata, version)
              select id, 'bench-read',
                (array['subagent','acp','cron','cli'])[1 + g % 4], 'runner', 'label-' || (g % 1000),
                'Seeded goal ' || g,
                (array['queued','running','paused','needs_assistance','succeeded','succeeded',
                       'succeeded','failed','timed_out','cancelled','lost'])[1 + g % 11],
                'pending', 'done_only', 'chat:' || (g % 50000), 'task_' || id, 'run_' || g, 1,
                now() - make_interval(secs => g), now() - make_interval(secs => g), '{}'::jsonb, 0
              from (select g, gen_random_uuid() as id from generate_series(?, ?) g) s
              """);
      insert.setLong(1, have + 1);
      insert.setLong(2, seed);
      insert.executeUpdate();
      // what a ledger that has held these tasks for a while has done: the bulk load is vacuumed,
      // so the reads are not timed while autovacuum works through it
      db.createStatement().execute("vacuum analyze tasks");
      System.out.printf("Seeded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Times the reads one request at a time. The four reads take turns in rounds of {@link #ROUND}
   * requests, so a slow stretch of a shared machine falls on all of them alike rather than on
   * whichever read happened to run then.
   */
  private void readLatencies() throws Exception {
    String tenant = "bench-read";
    String[] statuses = {"queued", "running", "failed", "succeeded", "needs_assistance"};
    List<Read> reads =
        List.of(
            new Read(
                "status-filtered page of 50",
                () -> "/api/v1/tasks?limit=50&status=" + statuses[random(statuses.length)]),
            new Read(
                "two-status page of 50",
                () -> "/api/v1/tasks?limit=50&status=failed&status=timed_out"),
            new Read("lookup by run id", () -> "/api/v1/tasks/run_" + (1 + random(seed))),
            new Read(
                "lookup by requester session key (newest)",
                () ->
                    "/api/v1/tasks/"
                        + URLEncoder.encode("chat:" + random(50000), StandardCharsets.UTF_8)));
    System.out.printf(
        "Reads: %d warm-up requests each, then %d timed, in rounds of %d%n",
        warmup, samples, ROUND);
    for (Read read : reads) {
      for (int i = 0; i < warmup; i++) {
        get(read.path().get(), tenant);
      }
    }
    for (int done = 0; done < samples; done += ROUND) {
      for (Read read : reads) {
        for (int i = 0; i < Math.min(ROUND, samples - done); i++) {
          long t0 = System.nanoTime();
          int status = get(read.path().get(), tenant);
          read.latencies().add(System.nanoTime() - t0);
          if (status != 200) {
            read.failures().incrementAndGet();
          }
        }
      }
    }
    for (Read read : reads) {
      System.out.printf(
          "%-42s p50=%.2f ms p99=%.2f ms p99.9=%.2f ms max=%.2f ms (%d non-200)%n",
          read.name(),
          percentile(read.latencies(), 0.50),
          percentile(read.latencies(), 0.99),
          percentile(read.latencies(), 0.999),
          percentile(read.latencies(), 1.0),
          read.failures().get());
    }
  }

  private record Read(
      String name,
      java.util.function.Supplier<String> path,
      List<Long> latencies,
      AtomicLong failures) {
    Read(String name, java.util.function.Supplier<String> path) {
      this(name, path, new ArrayList<>(), new AtomicLong());
    }
  }

  private int get(String path, String tenant) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(ledgerUrl + path))
                .headers(BenchIdentity.headers(signing, tenant))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int random(int bound) {
    return ThreadLocalRandom.current().nextInt(bound);
  }

  private static double percentile(java.util.Collection<Long> nanos, double p) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.tasklane.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference the dispatch figures are compared with: db-scheduler on the same PostgreSQL,
 * scheduling a one-time no-op task for now and executing it, in one JVM.
 *
 * <ul>
 *   <li>latency: schedules at {@code --rate} per second for {@code --duration} seconds (after
 *       {@code --warmup}); for each execution the time from just before {@code schedule} to the
 *       task's body starting.
 *   <li>drain: {@code --drain} executions scheduled while no scheduler runs, then one scheduler
 *       started; executions per second from its start to the last one done.
 * </ul>
 */
@Command(name = "db-scheduler-benchmark", mixinStandardHelpOptions = true)
public final class DbSchedulerBenchmark implements Callable<Integer> {

  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://localhost:5432/postgres")
  String dbUrl;

  @Option(names = "--db-user", defaultValue = "postgres")
  String dbUser;

  @Option(names = "--rate", defaultValue = "50")
  int rate;

  @Option(names = "--duration", defaultValue = "60")
  int duration;

  @Option(names = "--warmup", defaultValue = "10")
  int warmup;

  @Option(names = "--drain", defaultValue = "20000")
  int drain;

  @Option(names = "--threads", defaultValue = "32", description = "Scheduler execution threads.")
  int threads;

  private final Map<String, Long> scheduledAt = new ConcurrentHashMap<>();
  private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
  private volatile CountDownLatch remaining = new CountDownLatch(0);

  public static void main(String[] args) {
    System.exit(new CommandLine(new DbSchedulerBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String run =
        HexFormat.of()
            .formatHex(java.nio.ByteBuffer.allocate(4).putInt((int) System.nanoTime()).array());
    String database = "bench_dbscheduler_" + run;
    try (var admin = DriverManager.getConnection(dbUrl, dbUser, "")) {
      admin.createStatement().execute("create database " + database);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(dbUrl.replaceAll("/[^/?]+(\\?.*)?$", "/" + database));
    config.setUsername(dbUser);
    config.setMaximumPoolSize(threads + 4);
    try (HikariDataSource data = new HikariDataSource(config)) {
      try (var c = data.getConnection()) {
        c.createStatement().execute(DDL);
      }
      OneTimeTask<Void> noop =
          Tasks.oneTime("noop")
              .execute(
                  (instance, context) -> {
                    startedAt.putIfAbsent(instance.getId(), System.nanoTime());
                    remaining.countDown();
                  });
      System.out.printf("db-scheduler, %d threads; load average %s%n", threads, loadAverage());
      latency(data, noop);
      drain(data, noop);
      System.out.printf("Load average after: %s%n", loadAverage());
    }
    return 0;
  }

  private Scheduler scheduler(HikariDataSource data, OneTimeTask<Void> noop) {
    return Scheduler.create(data, noop)
        .threads(threads)
        .pollingInterval(Duration.ofSeconds(1))
        .pollUsingLockAndFetch(0.5, 1.0)
        .enableImmediateExecution()
        .build();
  }

  private void latency(HikariDataSource data, OneTimeTask<Void> noop) throws Exception {
    Scheduler scheduler = scheduler(data, noop);
    scheduler.start();
    try {
      paced(scheduler, noop, "w", warmup * rate);
      remaining.await(30, TimeUnit.SECONDS);
      paced(scheduler, noop, "m", duration * rate);
      remaining.await(30, TimeUnit.SECONDS);
    } finally {
      scheduler.stop();
    }
    List<Double> millis = new ArrayList<>();
    for (int n = 0; n < duration * rate; n++) {
      Long scheduled = scheduledAt.get("m" + n);
      Long started = startedAt.get("m" + n);
      if (scheduled != null && started != null) {
        millis.add((started - scheduled) / 1e6);
      }
    }
    millis.sort(null);
    System.out.printf(
        "schedule -> execute at %d/s for %d s: n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms"
            + " max=%.1f ms%n",
        rate,
        duration,
        millis.size(),
        pct(millis, 50),
        pct(millis, 90),
        pct(millis, 99),
        millis.isEmpty() ? 0 : millis.getLast());
  }

  private void paced(Scheduler scheduler, OneTimeTask<Void> noop, String prefix, int count) {
    remaining = new CountDownLatch(count);
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long wait = start + i * interval - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      String id = prefix + i;
      scheduledAt.put(id, System.nanoTime());
      scheduler.schedule(noop.instance(id), Instant.now());
    }
  }

  private void drain(HikariDataSource data, OneTimeTask<Void> noop) throws Exception {
    SchedulerClient client = SchedulerClient.Builder.create(data, noop).build();
    Instant now = Instant.now();
    for (int n = 0; n < drain; n++) {
      client.schedule(noop.instance("d" + n), now);
    }
    remaining = new CountDownLatch(drain);
    Scheduler scheduler = scheduler(data, noop);
    long start = System.nanoTime();
    scheduler.start();
    try {
      boolean all = remaining.await(10, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "drain of %d scheduled executions: %.1f s = %.0f executions/s (all done: %s)%n",
          drain, seconds, drain / seconds, all);
    } finally {
      scheduler.stop();
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

  /** db-scheduler's table for PostgreSQL, as its documentation gives it. */
  private static final String DDL =
      """
      create table scheduled_tasks (
        task_name text not null,
        task_instance text not null,
        task_data bytea,
        execution_time timestamp with time zone not null,
        picked boolean not null,
        picked_by text,
        last_success timestamp with time zone,
        last_failure timestamp with time zone,
        consecutive_failures int,
        last_heartbeat timestamp with time zone,
        version bigint not null,
        priority smallint,
        primary key (task_name, task_instance)
      );
      create index execution_time_idx on scheduled_tasks (execution_time);
      create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
      create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
      """;
}

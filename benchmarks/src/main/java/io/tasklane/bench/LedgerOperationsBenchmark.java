package io.tasklane.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times the ledger's audit and maintenance over a tenant holding a million tasks, through the HTTP
 * API of a running ledger. The tasks are seeded directly in PostgreSQL with consistent timestamps
 * and a spread of states that gives every pass real work: unstamped ended tasks, expired ones to
 * prune, stale queued ones to dispatch again, expired leases to recover, failed deliveries, flows.
 */
@Command(name = "ledger-operations-benchmark", mixinStandardHelpOptions = true)
public final class LedgerOperationsBenchmark implements Callable<Integer> {

  private io.tasklane.contracts.SignedIdentity signing;

  private static final Pattern FIELD =
      Pattern.compile("\"(reconciled|recovered|cleanupStamped|pruned)\":(\\d+)");

  @Option(names = "--ledger-url", defaultValue = "http://localhost:8081")
  String ledgerUrl;

  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://localhost:5432/tasklane_ledger")
  String dbUrl;

  @Option(names = "--db-user", defaultValue = "postgres")
  String dbUser;

  @Option(names = "--db-password", defaultValue = "")
  String dbPassword;

  @Option(names = "--tenant", defaultValue = "bench-ops")
  String tenant;

  @Option(names = "--tasks", defaultValue = "1000000")
  int tasks;

  @Option(names = "--passes", defaultValue = "7", description = "Timed passes of each request.")
  int passes;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new LedgerOperationsBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    signing = BenchIdentity.fromEnvironment();
    seed();
    post("/api/v1/maintenance");
    get("/api/v1/audit");
    List<Double> audit = new ArrayList<>();
    List<Double> preview = new ArrayList<>();
    List<Double> apply = new ArrayList<>();
    for (int i = 0; i < passes; i++) {
      audit.add(time(() -> get("/api/v1/audit")));
      preview.add(time(() -> post("/api/v1/maintenance")));
      String[] body = new String[1];
      apply.add(time(() -> body[0] = post("/api/v1/maintenance?apply=true")));
      System.out.printf(
          "pass %d: audit %.0f ms, preview %.0f ms, apply %.0f ms doing %s%n",
          i + 1, audit.getLast(), preview.getLast(), apply.getLast(), work(body[0]));
    }
    report("GET /api/v1/audit", audit);
    report("POST /api/v1/maintenance (preview)", preview);
    report("POST /api/v1/maintenance?apply=true", apply);
    return 0;
  }

  private void seed() throws Exception {
    try (Connection db = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
        Statement sql = db.createStatement()) {
      ResultSet existing =
          sql.executeQuery("select count(*) from tasks where tenant = '" + tenant + "'");
      existing.next();
      if (existing.getLong(1) > 0) {
        // Seeded by an earlier run; its passes pruned some, which later passes keep doing.
        System.out.printf("%d tasks already stored for %s%n", existing.getLong(1), tenant);
        return;
      }
      System.out.printf("Seeding %d tasks and %d flows for %s ...%n", tasks, tasks / 50, tenant);
      long t0 = System.nanoTime();
      sql.execute(
          """
          insert into flows (flow_id, tenant, goal, status, revision, created_at, updated_at,
            ended_at)
          select md5('%1$s-flow-' || g)::uuid, '%1$s', 'Seeded flow ' || g,
            case when g %% 20 = 0 then 'running' else 'succeeded' end, 1,
            now() - interval '3 days', now() - interval '2 days',
            case when g %% 20 = 0 then null else now() - interval '2 days' end
          from generate_series(1, %2$d) g
          """
              .formatted(tenant, tasks / 50));
      int flows = tasks / 50;
      // s = g % 1000 picks the shape of task g (shares in thousandths); x = g % 10000 singles out
      // the rare ones: a hundred stale queued runner tasks and a hundred expired external leases.
      // The other queued tasks wait for an external executor, so no pass dispatches them again.
      sql.execute(
          """
          insert into tasks (task_id, tenant, runtime, executor, label, goal, status,
            delivery_status, notify_policy, child_session_key, run_id, parent_flow_id, attempt,
            runner_id, lease_expires_at, created_at, started_at, last_event_at, ended_at,
            cleanup_after, metadata, version)
          select id, '%1$s', (array['subagent','acp','cron','cli'])[1 + g %% 4],
            case when x = 990 or (s between 850 and 899 and x <> 855) then 'external'
                 else 'runner' end,
            'label-' || (g %% 1000), 'Seeded goal ' || g,
            case when s < 600 then (array['succeeded','failed','cancelled','timed_out'])[1 + g %% 4]
                 when s < 830 then 'succeeded'
                 when s < 850 then 'lost'
                 when s < 900 then 'queued'
                 when s < 995 then 'running'
                 else 'paused' end,
            case when s between 830 and 839 then 'failed'
                 when s < 850 then 'delivered' else 'pending' end,
            'done_only', 'task_' || id, 'run_' || g,
            case when g %% 10 = 0 then md5('%1$s-flow-' || (1 + (g / 10) %% %3$d))::uuid end, 1,
            case when s between 900 and 994 then 'runner-bench' end,
            case when x = 990 then now() - interval '1 hour'
                 when s between 900 and 994 then now() + interval '1 day' end,
            base,
            case when s not between 850 and 899 then base + interval '1 second' end,
            case when x = 855 then base
                 when s between 850 and 899 then now() - interval '30 seconds'
                 when s between 900 and 994 and x <> 990 then now() - interval '10 seconds'
                 else base + interval '2 seconds' end,
            case when s < 850 then base + interval '2 seconds' end,
            case when s < 600 then now() + interval '5 days'
                 when s between 780 and 829 then now() - interval '1 hour' end,
            '{}'::jsonb, 0
          from (select g, g %% 1000 as s, g %% 10000 as x, gen_random_uuid() as id,
                       now() - make_interval(mins => 5 + (g %% 5000)) as base
                from generate_series(1, %2$d) g) t
          """
              .formatted(tenant, tasks, flows));
      sql.execute("analyze tasks");
      sql.execute("analyze flows");
      System.out.printf("Seeded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  private String get(String path) {
    return send(HttpRequest.newBuilder(URI.create(ledgerUrl + path)).GET());
  }

  private String post(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(ledgerUrl + path))
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  private String send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(
              request.headers(BenchIdentity.headers(signing, tenant)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(response.statusCode() + " " + response.body());
      }
      return response.body();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double time(Runnable request) {
    long t0 = System.nanoTime();
    request.run();
    return (System.nanoTime() - t0) / 1e6;
  }

  private static String work(String body) {
    StringBuilder done = new StringBuilder();
    Matcher matcher = FIELD.matcher(body);
    while (matcher.find()) {
      done.append(matcher.group(1)).append('=').append(matcher.group(2)).append(' ');
    }
    return done.toString().trim();
  }

  private static void report(String name, List<Double> millis) {
    List<Double> sorted = millis.stream().sorted().toList();
    System.out.printf(
        "%-40s median=%.0f ms min=%.0f ms max=%.0f ms (%d passes)%n",
        name, sorted.get(sorted.size() / 2), sorted.getFirst(), sorted.getLast(), sorted.size());
  }
}

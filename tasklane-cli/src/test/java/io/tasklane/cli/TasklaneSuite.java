package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.cli.output.Json;
import io.tasklane.suite.LocalSuite;
import io.tasklane.suite.SuiteArguments;
import io.tasklane.testsupport.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ledger behind the gateway, started once per test JVM the way the local suite starts it (a
 * KRaft broker in process, each service from its own jar) against real PostgreSQL. Each test class
 * works in a tenant of its own, so listings only show what that class created.
 */
final class TasklaneSuite {

  static final String READER_KEY = "tl_cli_reader";
  static final String WRITER_KEY = "tl_cli_writer_without_admin";
  static final String READER_TENANT = "errors";
  private static final List<String> TENANTS =
      List.of("listing", "actions", "follow", "errors", "operations");
  private static TasklaneSuite instance;

  private final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  private TasklaneSuite(String url) {
    this.url = url;
  }

  static synchronized TasklaneSuite get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  private static TasklaneSuite start() {
    try {
      return startOnce();
    } catch (IllegalStateException e) {
      // A service jar rewritten by a concurrent build while starting fails one start; not two.
      System.err.println("The suite did not start (" + e.getMessage() + "); starting it again");
      return startOnce();
    }
  }

  private static TasklaneSuite startOnce() {
    LocalSuite suite = null;
    try {
      var postgres = TestPostgres.get();
      var ledgerDb = postgres.database("cli_ledger");
      var notifierDb = postgres.database("cli_notifier");
      var args =
          SuiteArguments.services("ledger", "gateway")
              .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
              .databases(ledgerDb.name(), notifierDb.name())
              .home(home())
              .tenant(TENANTS.getFirst(), keyOf(TENANTS.getFirst()))
              // Findings within seconds, and no scheduled pass doing what a test previews.
              .set("ledger", "tasklane.ledger.audit.stale-queued", "2s")
              .set("ledger", "tasklane.ledger.audit.missing-cleanup", "1s")
              .set("ledger", "tasklane.ledger.maintenance.scheduled", "false")
              .set("ledger", "tasklane.ledger.recovery.grace", "1s");
      for (String tenant : TENANTS.subList(1, TENANTS.size())) {
        args.apiKey(tenant, keyOf(tenant), tenant, "tasks:read,tasks:write,admin");
      }
      args.apiKey("reader", READER_KEY, READER_TENANT, "tasks:read")
          .apiKey("writer", WRITER_KEY, READER_TENANT, "tasks:read,tasks:write");
      suite = LocalSuite.fromArguments(args.toArray());
      suite.start();
      Runtime.getRuntime().addShutdownHook(new Thread(suite::stop, "tasklane-cli-test-suite"));
      return new TasklaneSuite("http://localhost:" + suite.port("gateway"));
    } catch (Exception e) {
      if (suite != null) {
        suite.stop();
      }
      throw new IllegalStateException("The suite did not start: " + e.getMessage(), e);
    }
  }

  /**
   * A home for the suite that holds the service modules' builds but its own logs, under {@code
   * target/suite-home/local-suite/target/logs}.
   */
  private static Path home() throws Exception {
    Path checkout = Path.of("..").toAbsolutePath().normalize();
    Path home = Path.of("target", "suite-home").toAbsolutePath();
    Files.createDirectories(home);
    for (String module : List.of("task-ledger-service", "gateway-service")) {
      Path link = home.resolve(module);
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, checkout.resolve(module));
      }
    }
    return home;
  }

  String url() {
    return url;
  }

  /** The admin key of a test tenant. */
  static String keyOf(String tenant) {
    if (!TENANTS.contains(tenant)) {
      throw new IllegalArgumentException("no test tenant " + tenant);
    }
    return "tl_cli_" + tenant + "_admin";
  }

  /** Runs the CLI in process with the suite's URL and {@code key} in its environment. */
  Run cli(String key, String... args) {
    return cli(Map.of("TASKLANE_URL", url, "TASKLANE_API_KEY", key), false, args);
  }

  static Run cli(Map<String, String> env, boolean terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        TasklaneCli.execute(
            new Terminal(
                new PrintWriter(out), new PrintWriter(err), env, terminal, Clock.systemUTC()),
            args);
    return new Run(status, out.toString(), err.toString());
  }

  /** What one command printed and how it exited. */
  record Run(int status, String out, String err) {
    JsonNode json() {
      return Json.parse(out);
    }

    List<String> lines() {
      return out.lines().toList();
    }
  }

  /** Creates a task through the API, as a client other than the CLI would. */
  JsonNode createTask(String key, String json) {
    return call(key, "POST", "/api/v1/tasks", json, 201);
  }

  /** An external executor's report for the task's current attempt; returns the task after it. */
  JsonNode report(String key, JsonNode task, String type, String outcome, String summary) {
    return report(key, task, Json.object().put("type", type), outcome, summary);
  }

  /** A started report whose lease runs out after {@code seconds}. */
  JsonNode startWithLease(String key, JsonNode task, int seconds) {
    return report(
        key, task, Json.object().put("type", "started").put("leaseSeconds", seconds), null, null);
  }

  private JsonNode report(
      String key, JsonNode task, ObjectNode body, String outcome, String summary) {
    body.put("attempt", task.get("attempt").asInt());
    if (outcome != null) {
      body.put("outcome", outcome);
    }
    if (summary != null) {
      body.put("summary", summary);
    }
    return call(
        key,
        "POST",
        "/api/v1/tasks/" + task.get("taskId").asString() + "/reports",
        Json.line(body),
        200);
  }

  JsonNode task(String key, String taskId) {
    return call(key, "GET", "/api/v1/tasks/" + taskId, null, 200);
  }

  JsonNode call(String key, String method, String path, String body, int expected) {
    try {
      var request =
          HttpRequest.newBuilder(URI.create(url + path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + key)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
      return Json.parse(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

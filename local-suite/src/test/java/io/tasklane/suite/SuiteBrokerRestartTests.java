package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The suite's broker stopped while tasks run, for longer than a lease and its grace, and started
 * again on the same port and log: no task is lost or recovered by mistake, no verified step runs
 * again, and each task's event stream and its session's inbox hold every transition exactly once.
 */
class SuiteBrokerRestartTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TENANT = "broker-restart";
  private static final String SESSION = "broker-restart-session";
  private static final int TASKS = 12;
  private static final Duration DOWN = Duration.ofSeconds(14);

  static ScriptedModelServer models;
  static LocalSuite suite;
  static TestPostgres.Database ledgerDb;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startTheSuite() throws Exception {
    models = ScriptedModelServer.start();
    models.script("steady", steadyModel(Duration.ofMillis(700)));
    var postgres = TestPostgres.get();
    ledgerDb = postgres.database("broker_ledger");
    var notifierDb = postgres.database("broker_notifier");
    suite =
        LocalSuite.fromArguments(
            SuiteArguments.services("ledger", "notifier", "runner")
                .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
                .databases(ledgerDb.name(), notifierDb.name())
                .model(models.openAiBaseUrl(), "steady")
                .home(Path.of(".."))
                .set("runner", "tasklane.runner.slots", Integer.toString(TASKS))
                .set("runner", "tasklane.runner.models.verifier.provider", "ollama")
                .set("runner", "tasklane.runner.models.verifier.base-url", models.ollamaBaseUrl())
                .toArray());
    suite.start();
  }

  @AfterAll
  static void stopTheSuite() {
    if (suite != null) {
      suite.stop();
    }
    models.close();
  }

  @Test
  void aBrokerRestartUnderLoadLosesNoTaskAndNoLifecycleEvent() throws Exception {
    String ledger = "http://localhost:" + suite.port("ledger");
    List<String> tasks = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      HttpResponse<String> created =
          send(
              HttpRequest.newBuilder(URI.create(ledger + "/api/v1/tasks"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          """
                          {"goal":"Write two files","label":"broker-restart",
                           "notifyPolicy":"state_changes","requesterSessionKey":"%s",
                           "plan":[{"description":"Write step-0.txt","doneWhen":"it exists"},
                                   {"description":"Write step-1.txt","doneWhen":"it exists"}],
                           "modelOptions":{"model":"steady","verifierModel":"steady"}}
                          """
                              .formatted(SESSION))));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      tasks.add(JSON.readTree(created.body()).get("taskId").asString());
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> countTasks("status = 'running'") >= TASKS / 2);

    suite.restartBroker(DOWN);

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> countTasks("status in ('succeeded','failed','lost')") >= TASKS);
    assertThat(countTasks("status = 'succeeded'")).isEqualTo(TASKS);
    assertThat(countJournal("j.type = 'recovery'")).as("tasks recovered by mistake").isZero();
    assertThat(countTasks("attempt > 1")).isZero();
    assertThat(
            countJournal(
                """
                j.type = 'step_started' and exists (
                  select 1 from journal v where v.task_id = j.task_id and v.type = 'verdict'
                    and (v.payload->>'passed')::boolean and v.payload->>'step' = j.payload->>'step'
                    and v.seq < j.seq)
                """))
        .as("verified steps run again")
        .isZero();

    long transitions = 0;
    for (String taskId : tasks) {
      List<String> expected = transitionsOf(taskId);
      transitions += expected.size();
      assertThat(streamedStatuses(ledger, taskId, expected.size()))
          .as("the event stream of %s", taskId)
          .containsExactlyElementsOf(expected);
    }
    long total = transitions;
    String notifier = "http://localhost:" + suite.port("notifier");
    List<JsonNode> inbox =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> inbox(notifier), messages -> messages.size() >= total);
    assertThat(inbox).hasSize((int) total);
    assertThat(
            inbox.stream()
                .map(m -> m.path("eventId").asString(m.path("id").asString()))
                .distinct()
                .count())
        .isEqualTo(total);
  }

  /** The statuses of the task's created and status_changed events, as the ledger recorded them. */
  private List<String> transitionsOf(String taskId) throws Exception {
    List<String> statuses = new ArrayList<>();
    try (Connection db = DriverManager.getConnection(ledgerDb.jdbcUrl(), ledgerDb.username(), "");
        var statement =
            db.prepareStatement(
                """
                select payload->'data'->>'status' from outbox
                where task_id = ?::uuid and topic = 'tasklane.task-lifecycle'
                  and payload->>'type' in ('io.tasklane.task.created',
                                           'io.tasklane.task.status_changed')
                order by id
                """)) {
      statement.setString(1, taskId);
      try (var rs = statement.executeQuery()) {
        while (rs.next()) {
          statuses.add(rs.getString(1));
        }
      }
    }
    return statuses;
  }

  /** Reads the task's SSE stream from its start until {@code expected} transitions came. */
  private List<String> streamedStatuses(String ledger, String taskId, int expected)
      throws Exception {
    HttpResponse<InputStream> response =
        http.send(
            withIdentity(
                    HttpRequest.newBuilder(
                        URI.create(ledger + "/api/v1/tasks/" + taskId + "/events")))
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
    Set<String> types = Set.of("io.tasklane.task.created", "io.tasklane.task.status_changed");
    CompletableFuture.runAsync(
        () -> {
          try (var reader =
              new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
              if (line.startsWith("data:")) {
                JsonNode event = JSON.readTree(line.substring(5).strip());
                if (types.contains(event.path("type").asString())) {
                  statuses.add(event.path("data").path("status").asString());
                }
              }
            }
          } catch (Exception e) {
            // closed
          }
        });
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses.size() >= expected);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // what came within the time is what is asserted
    }
    // a little longer: anything sent twice would follow at once
    Thread.sleep(500);
    response.body().close();
    return List.copyOf(statuses);
  }

  private List<JsonNode> inbox(String notifier) throws Exception {
    HttpResponse<String> page =
        send(
            HttpRequest.newBuilder(
                    URI.create(notifier + "/api/v1/sessions/" + SESSION + "/messages?limit=500"))
                .GET());
    // the transitions only: under state_changes progress reaches the inbox too, at most one per
    // progress interval
    Set<String> transitions = Set.of("io.tasklane.task.created", "io.tasklane.task.status_changed");
    List<JsonNode> messages = new ArrayList<>();
    JSON.readTree(page.body())
        .path("messages")
        .forEach(
            message -> {
              if (transitions.contains(message.path("eventType").asString())) {
                messages.add(message);
              }
            });
    return messages;
  }

  private long countTasks(String condition) throws Exception {
    return count("select count(*) from tasks where label = 'broker-restart' and " + condition);
  }

  private long countJournal(String condition) throws Exception {
    return count(
        "select count(*) from journal j join tasks t using (task_id)"
            + " where t.label = 'broker-restart' and "
            + condition);
  }

  private long count(String sql) throws Exception {
    try (Connection db = DriverManager.getConnection(ledgerDb.jdbcUrl(), ledgerDb.username(), "");
        var rs = db.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(withIdentity(request).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder withIdentity(HttpRequest.Builder request) {
    SignedIdentity signing = suite.identitySigning();
    signing
        .headers(
            new SignedIdentity.Identity(TENANT, "suite-test", Set.of("tasks:read", "tasks:write")),
            Instant.now())
        .forEach(request::header);
    return request;
  }

  /**
   * Writes {@code step-N.txt} with one call, then says so; as verifier (Ollama) answers YES; every
   * answer after {@code delay}, so tasks are still running when the broker stops.
   */
  private static Script steadyModel(Duration delay) {
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
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class ProblemDetailTests extends LedgerTest {

  @Autowired LedgerProperties properties;

  private String existing;

  @BeforeEach
  void oneExistingTask() {
    existing = createTaskId("{\"goal\":\"already here\"}");
  }

  @Test
  void aBlankGoalIsAValidationProblemListingTheFieldErrors() {
    JsonNode problem =
        rejected(
            () ->
                api.post(
                    tenant,
                    "/api/v1/tasks",
                    """
                    {"goal":"  ","runTimeoutSeconds":0,
                     "plan":[{"description":"","doneWhen":"ok"}]}
                    """),
            400,
            "validation");

    List<String> fields = new ArrayList<>();
    problem.get("errors").values().forEach(e -> fields.add(e.get("field").asString()));
    assertThat(fields)
        .containsExactlyInAnyOrder("goal", "runTimeoutSeconds", "plan[0].description");
  }

  @Test
  void aMissingGoalIsAValidationProblem() {
    JsonNode problem = rejected(() -> post("{\"label\":\"no goal\"}"), 400, "validation");
    assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("goal");
  }

  @Test
  void anUnknownEnumValueInTheBodyNamesTheFieldAndTheAllowedValues() {
    JsonNode problem =
        rejected(() -> post("{\"goal\":\"g\",\"runtime\":\"robot\"}"), 400, "unknown-enum-value");

    assertThat(problem.get("field").asString()).isEqualTo("runtime");
    assertThat(problem.get("allowedValues").valueStream().map(JsonNode::asString))
        .containsExactly("subagent", "acp", "cron", "cli");
    assertThat(problem.get("detail").asString()).contains("robot").contains("subagent");
  }

  @Test
  void anUnknownEnumValueInANestedOrPutBodyNamesItsField() {
    JsonNode policy =
        rejected(
            () ->
                api.put(
                    tenant,
                    "/api/v1/tasks/" + existing + "/notify-policy",
                    "{\"notifyPolicy\":\"shout\"}"),
            400,
            "unknown-enum-value");
    assertThat(policy.get("field").asString()).isEqualTo("notifyPolicy");
    assertThat(show(existing).get("notifyPolicy").asString()).isEqualTo("done_only");
  }

  @Test
  void anUnknownEnumValueInAQueryParameterNamesTheParameter() {
    JsonNode problem =
        rejected(() -> api.get(tenant, "/api/v1/tasks?status=exploded"), 400, "unknown-enum-value");
    assertThat(problem.get("field").asString()).isEqualTo("status");
    assertThat(problem.get("allowedValues").valueStream().map(JsonNode::asString))
        .contains("queued", "needs_assistance", "lost");
    rejected(() -> api.get(tenant, "/api/v1/tasks?runtime=robot"), 400, "unknown-enum-value");
  }

  @Test
  void anUnknownTaskIsNotFound() {
    rejected(
        () -> api.post(tenant, "/api/v1/tasks/4f1c2a9e-1111-4222-8333-444455556666/cancel", null),
        404,
        "task-not-found");
  }

  @Test
  void anInvalidTransitionIsAConflictWithTheCurrentStatus() {
    JsonNode problem =
        rejected(
            () -> api.post(tenant, "/api/v1/tasks/" + existing + "/retry", null),
            409,
            "invalid-transition");
    assertThat(problem.get("currentStatus").asString()).isEqualTo("queued");
  }

  @Test
  void aBodyOverTheSizeLimitIsRejected() {
    String huge = "{\"goal\":\"" + "x".repeat((int) properties.maxRequestBytes()) + "\"}";

    rejected(() -> post(huge), 413, "payload-too-large");
    rejected(
        () ->
            api.send(
                api.request(tenant, "/api/v1/tasks")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () ->
                                new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))))),
        413,
        "payload-too-large");
  }

  @Test
  void anOversizeGoalPlanOrMetadataNamesTheField() {
    var limits = properties.limits();
    JsonNode goal =
        rejected(
            () -> post("{\"goal\":\"" + "g".repeat(limits.goalChars() + 1) + "\"}"),
            400,
            "validation");
    assertThat(goal.get("errors").get(0).get("field").asString()).isEqualTo("goal");

    StringBuilder steps = new StringBuilder();
    for (int i = 0; i <= limits.planSteps(); i++) {
      steps.append(i == 0 ? "" : ",").append("{\"description\":\"d\",\"doneWhen\":\"w\"}");
    }
    JsonNode plan =
        rejected(() -> post("{\"goal\":\"g\",\"plan\":[" + steps + "]}"), 400, "validation");
    assertThat(plan.get("errors").get(0).get("field").asString()).isEqualTo("plan");
    JsonNode longStep =
        rejected(
            () ->
                post(
                    "{\"goal\":\"g\",\"plan\":[{\"description\":\""
                        + "d".repeat(limits.stepChars())
                        + "\",\"doneWhen\":\"w\"}]}"),
            400,
            "validation");
    assertThat(longStep.get("errors").get(0).get("field").asString()).isEqualTo("plan");

    StringBuilder entries = new StringBuilder();
    for (int i = 0; i <= limits.metadataEntries(); i++) {
      entries.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    JsonNode metadata =
        rejected(() -> post("{\"goal\":\"g\",\"metadata\":{" + entries + "}}"), 400, "validation");
    assertThat(metadata.get("errors").get(0).get("field").asString()).isEqualTo("metadata");
    JsonNode longValue =
        rejected(
            () ->
                post(
                    "{\"goal\":\"g\",\"metadata\":{\"k\":\""
                        + "v".repeat(limits.metadataValueChars() + 1)
                        + "\"}}"),
            400,
            "validation");
    assertThat(longValue.get("errors").get(0).get("field").asString()).isEqualTo("metadata");
  }

  @Test
  void malformedJsonIsRejected() {
    rejected(() -> post("{\"goal\": \"unterminated"), 400, "malformed-json");
    rejected(() -> post("[1,2,3]"), 400, "malformed-json");
    rejected(() -> post(""), 400, "malformed-json");
    rejected(() -> post("{\"goal\":\"g\",\"runTimeoutSeconds\":\"soon\"}"), 400, "malformed-json");
    rejected(() -> post("{\"goal\":\"g\",\"parentTaskId\":\"not-a-uuid\"}"), 400, "malformed-json");
  }

  @Test
  void aWrongContentTypeIsUnsupported() {
    rejected(
        () ->
            api.send(
                api.request(tenant, "/api/v1/tasks")
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"goal\":\"g\"}"))),
        415,
        "unsupported-media-type");
    rejected(
        () ->
            api.send(
                api.request(tenant, "/api/v1/tasks/" + existing + "/notify-policy")
                    .header("Content-Type", "application/xml")
                    .PUT(HttpRequest.BodyPublishers.ofString("<silent/>"))),
        415,
        "unsupported-media-type");
  }

  @Test
  void noOtherClientMistakeIsAServerError() {
    Map<String, Supplier<LedgerApi.Response>> mistakes = new LinkedHashMap<>();
    mistakes.put("NUL in goal", () -> post("{\"goal\":\"nul \\u0000 inside\"}"));
    mistakes.put(
        "NUL in metadata", () -> post("{\"goal\":\"g\",\"metadata\":{\"k\":\"nul \\u0000\"}}"));
    mistakes.put("null plan step", () -> post("{\"goal\":\"g\",\"plan\":[null]}"));
    mistakes.put("null metadata value", () -> post("{\"goal\":\"g\",\"metadata\":{\"k\":null}}"));
    mistakes.put(
        "unknown parent task",
        () -> post("{\"goal\":\"g\",\"parentTaskId\":\"9b2d8a55-0000-4000-8000-000000000001\"}"));
    mistakes.put(
        "too long session key",
        () -> post("{\"goal\":\"g\",\"requesterSessionKey\":\"" + "s".repeat(201) + "\"}"));
    mistakes.put("JSON null body", () -> post("null"));
    mistakes.put("non-numeric limit", () -> api.get(tenant, "/api/v1/tasks?limit=many"));
    mistakes.put(
        "NUL in session filter", () -> api.get(tenant, "/api/v1/tasks?session=nul%00byte"));
    mistakes.put("NUL in label filter", () -> api.get(tenant, "/api/v1/tasks?label=nul%00byte"));
    mistakes.put("malformed flow id", () -> api.get(tenant, "/api/v1/tasks?flowId=not-a-uuid"));
    mistakes.put(
        "non-numeric afterSeq",
        () -> api.get(tenant, "/api/v1/tasks/" + existing + "/journal?afterSeq=later"));
    mistakes.put(
        "malformed task id", () -> api.post(tenant, "/api/v1/tasks/not-a-uuid/cancel", null));
    mistakes.put(
        "malformed cancel body",
        () -> api.post(tenant, "/api/v1/tasks/" + existing + "/cancel", "{\"reason\":"));
    mistakes.put(
        "NUL in cancel reason",
        () ->
            api.post(
                tenant, "/api/v1/tasks/" + existing + "/cancel", "{\"reason\":\"a\\u0000b\"}"));
    mistakes.put(
        "missing notify policy",
        () -> api.put(tenant, "/api/v1/tasks/" + existing + "/notify-policy", "{}"));
    mistakes.put(
        "malformed claim task id",
        () -> api.post(null, claimPath("not-a-uuid"), claimBody("r", 1)));
    mistakes.put(
        "non-numeric claim attempt",
        () -> api.post(null, claimPath(existing), "{\"runnerId\":\"r\",\"attempt\":\"one\"}"));
    mistakes.put(
        "non-numeric Last-Event-ID",
        () ->
            api.send(
                api.request(tenant, "/api/v1/tasks/" + existing + "/events")
                    .header("Accept", "text/event-stream")
                    .header("Last-Event-ID", "yesterday")
                    .GET()));
    SoftAssertions softly = new SoftAssertions();
    mistakes.forEach(
        (mistake, request) -> {
          long tasksBefore = count("tasks");
          long outboxBefore = count("outbox");
          var answer = request.get();
          softly.assertThat(answer.status()).as(mistake + ": " + answer.body()).isBetween(400, 499);
          softly
              .assertThat(answer.header("Content-Type"))
              .as(mistake)
              .startsWith("application/problem+json");
          if (answer.status() < 500) {
            softly
                .assertThat(answer.json().get("type").asString())
                .as(mistake)
                .startsWith("https://tasklane.io/problems/");
          }
          softly.assertThat(count("tasks")).as(mistake).isEqualTo(tasksBefore);
          softly.assertThat(count("outbox")).as(mistake).isEqualTo(outboxBefore);
        });
    softly.assertAll();
    JsonNode task = show(existing);
    assertThat(task.get("status").asString()).isEqualTo("queued");
    assertThat(journal(existing)).hasSize(1);
  }

  private LedgerApi.Response post(String body) {
    return api.post(tenant, "/api/v1/tasks", body);
  }

  /** Sends a request that must be refused with a problem, and checks it changed nothing. */
  private JsonNode rejected(Supplier<LedgerApi.Response> request, int status, String type) {
    long tasksBefore = count("tasks");
    long outboxBefore = count("outbox");
    long journalBefore = count("journal");

    var answer = request.get();

    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.get("type").asString()).isEqualTo("https://tasklane.io/problems/" + type);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asString()).isNotBlank();
    assertThat(count("tasks")).isEqualTo(tasksBefore);
    assertThat(count("outbox")).isEqualTo(outboxBefore);
    assertThat(count("journal")).isEqualTo(journalBefore);
    assertThat(listedTaskIds("")).containsExactly(existing);
    return problem;
  }

  /** Rows of the tenant's tasks, outbox messages or journal entries. */
  private long count(String table) {
    String sql =
        switch (table) {
          case "tasks" -> "select count(*) from tasks where tenant = :tenant";
          case "outbox" -> "select count(*) from outbox where tenant = :tenant";
          default ->
              "select count(*) from journal j join tasks t using (task_id) where t.tenant = :tenant";
        };
    return jdbc.sql(sql).param("tenant", tenant).query(Long.class).single();
  }
}

package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TenantIsolationTests extends LedgerTest {

  @Test
  void anotherTenantsTaskIsNotFoundOnEveryEndpoint() {
    JsonNode mine =
        createTask(
            "{\"goal\":\"private\",\"runId\":\"run-private\",\"requesterSessionKey\":\"s1\"}");
    String id = mine.get("taskId").asString();
    String other = tenant + "-other";

    assertNotFound(api.get(other, "/api/v1/tasks/" + id), "show by id");
    assertNotFound(api.get(other, "/api/v1/tasks/run-private"), "show by run id");
    assertNotFound(api.get(other, "/api/v1/tasks/task_" + id), "show by child session");
    assertNotFound(api.get(other, "/api/v1/tasks/s1"), "show by requester session");
    assertNotFound(api.get(other, "/api/v1/tasks/" + id + "/journal"), "journal");
    var events =
        api.send(
            api.request(other, "/api/v1/tasks/" + id + "/events")
                .header("Accept", "text/event-stream")
                .GET());
    assertNotFound(events, "events");
    assertNotFound(api.post(other, "/api/v1/tasks/" + id + "/cancel", null), "cancel");
    assertNotFound(api.post(other, "/api/v1/tasks/" + id + "/pause", null), "pause");
    assertNotFound(api.post(other, "/api/v1/tasks/" + id + "/resume", null), "resume");
    assertNotFound(api.post(other, "/api/v1/tasks/" + id + "/retry", null), "retry");
    assertNotFound(
        api.put(other, "/api/v1/tasks/" + id + "/notify-policy", "{\"notifyPolicy\":\"silent\"}"),
        "notify-policy");

    JsonNode after = show(id);
    assertThat(after.get("status").asString()).isEqualTo("queued");
    assertThat(after.get("version")).isEqualTo(mine.get("version"));
    assertThat(after.get("notifyPolicy")).isEqualTo(mine.get("notifyPolicy"));
    assertThat(journal(id)).hasSize(1);
  }

  @Test
  void anotherTenantsTaskIsNeverListed() {
    String id =
        createTaskId("{\"goal\":\"private\",\"requesterSessionKey\":\"s1\",\"label\":\"x\"}");
    String other = tenant + "-other";
    for (String query :
        List.of("", "?status=queued", "?runtime=subagent", "?session=s1", "?label=x")) {
      var page = api.get(other, "/api/v1/tasks" + query);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().get("items").size()).as(query).isZero();
    }
    assertThat(listedTaskIds("")).containsExactly(id);
  }

  @Test
  void aSignedMalformedTenantIsRejected() {
    var answer =
        api.send(
            api.request("bad!tenant", "/api/v1/tasks")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"goal\":\"x\"}")));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("type").asString()).endsWith("invalid-tenant");
  }

  private static void assertNotFound(LedgerApi.Response answer, String endpoint) {
    assertThat(answer.status()).as(endpoint + ": " + answer.body()).isEqualTo(404);
    assertThat(answer.header("Content-Type")).as(endpoint).startsWith("application/problem+json");
    assertThat(answer.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/task-not-found");
  }
}

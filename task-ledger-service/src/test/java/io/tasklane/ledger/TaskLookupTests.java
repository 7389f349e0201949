package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskLookupTests extends LedgerTest {

  @Test
  void aTaskIsFoundByItsId() {
    String id = createTaskId("{\"goal\":\"find me\"}");
    assertThat(show(id).get("taskId").asString()).isEqualTo(id);
  }

  @Test
  void aTaskIsFoundByItsRunId() {
    String id = createTaskId("{\"goal\":\"by run\",\"runId\":\"run-42\"}");
    createTaskId("{\"goal\":\"another run\",\"runId\":\"run-43\"}");
    assertThat(show("run-42").get("taskId").asString()).isEqualTo(id);
  }

  @Test
  void aTaskIsFoundByItsChildSessionKey() {
    String id = createTaskId("{\"goal\":\"by child session\"}");
    assertThat(show("task_" + id).get("taskId").asString()).isEqualTo(id);
  }

  @Test
  void aRequesterSessionKeyFindsItsNewestTask() {
    createTaskId("{\"goal\":\"older\",\"requesterSessionKey\":\"chat-9\"}");
    createTaskId("{\"goal\":\"middle\",\"requesterSessionKey\":\"chat-9\"}");
    String newest = createTaskId("{\"goal\":\"newest\",\"requesterSessionKey\":\"chat-9\"}");
    assertThat(show("chat-9").get("taskId").asString()).isEqualTo(newest);
  }

  @Test
  void aRunIdIsResolvedBeforeASessionKey() {
    String bySession = createTaskId("{\"goal\":\"session\",\"requesterSessionKey\":\"shared\"}");
    String byRun = createTaskId("{\"goal\":\"run\",\"runId\":\"shared\"}");
    assertThat(show("shared").get("taskId").asString()).isEqualTo(byRun);
    assertThat(bySession).isNotEqualTo(byRun);
  }

  @Test
  void twoTasksSharingARunIdAreAnAmbiguousLookup() {
    String first = createTaskId("{\"goal\":\"one\",\"runId\":\"run-dup\"}");
    String second = createTaskId("{\"goal\":\"two\",\"runId\":\"run-dup\"}");

    var answer = api.get(tenant, "/api/v1/tasks/run-dup");

    assertThat(answer.status()).as(answer.body()).isEqualTo(409);
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    assertThat(answer.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/ambiguous-lookup");
    List<String> candidates = new ArrayList<>();
    answer.json().get("candidates").values().forEach(c -> candidates.add(c.asString()));
    assertThat(candidates).containsExactlyInAnyOrder(first, second);
  }

  @Test
  void anUnknownLookupIsNotFound() {
    createTaskId("{\"goal\":\"something\"}");
    for (String lookup :
        List.of("nothing-here", "0b8e8a2e-7b53-4c39-9d1f-6a3a4c1f0a11", "task_unknown")) {
      var answer = api.get(tenant, "/api/v1/tasks/" + lookup);
      assertThat(answer.status()).as(lookup).isEqualTo(404);
      assertThat(answer.json().get("type").asString())
          .isEqualTo("https://tasklane.io/problems/task-not-found");
    }
  }
}

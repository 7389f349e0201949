package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TaskListingTests extends LedgerTest {

  @Test
  void tasksAreListedNewestFirst() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(createTaskId("{\"goal\":\"task " + i + "\"}"));
    }
    assertThat(listedTaskIds("")).containsExactlyElementsOf(created.reversed());
  }

  @Test
  void severalStatusesCanBeAskedForAtOnce() {
    String queued = createTaskId("{\"goal\":\"waits\"}");
    String cancelled = createTaskId("{\"goal\":\"cancelled\"}");
    api.post(tenant, "/api/v1/tasks/" + cancelled + "/cancel", null);
    String paused = createTaskId("{\"goal\":\"paused\"}");
    api.post(tenant, "/api/v1/tasks/" + paused + "/pause", null);

    assertThat(listedTaskIds("status=queued&status=cancelled")).containsExactly(cancelled, queued);
    assertThat(listedTaskIds("status=paused,cancelled")).containsExactly(paused, cancelled);
    assertThat(listedTaskIds("status=running")).isEmpty();
  }

  @Test
  void tasksAreFilteredByRuntimeFlowSessionAndLabel() {
    String flow =
        api.post(tenant, "/api/v1/flows", "{\"goal\":\"Release\"}").json().get("flowId").asString();
    String cron =
        createTaskId("{\"goal\":\"g\",\"runtime\":\"cron\",\"label\":\"Nightly backup\"}");
    String inFlow =
        createTaskId("{\"goal\":\"g\",\"parentFlowId\":\"" + flow + "\",\"label\":\"deploy\"}");
    String inSession =
        createTaskId("{\"goal\":\"g\",\"requesterSessionKey\":\"chat-1\",\"label\":\"50%_off\"}");

    assertThat(listedTaskIds("runtime=cron")).containsExactly(cron);
    assertThat(listedTaskIds("flowId=" + flow)).containsExactly(inFlow);
    assertThat(listedTaskIds("session=chat-1")).containsExactly(inSession);
    assertThat(listedTaskIds("session=task_" + inFlow)).containsExactly(inFlow);
    assertThat(listedTaskIds("label=BACKUP")).containsExactly(cron);
    assertThat(listedTaskIds("label=50%25_")).containsExactly(inSession);
    assertThat(listedTaskIds("label=%25")).containsExactly(inSession);
    assertThat(listedTaskIds("runtime=subagent&label=deploy")).containsExactly(inFlow);
  }

  @Test
  void pagesFollowEachOtherThroughTheCursor() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(createTaskId("{\"goal\":\"task " + i + "\"}"));
    }
    var first = api.get(tenant, "/api/v1/tasks?limit=3").json();
    assertThat(ids(first)).containsExactlyElementsOf(created.reversed().subList(0, 3));
    var second =
        api.get(tenant, "/api/v1/tasks?limit=3&cursor=" + first.get("nextCursor").asString())
            .json();
    assertThat(ids(second)).containsExactlyElementsOf(created.reversed().subList(3, 6));
    var last =
        api.get(tenant, "/api/v1/tasks?limit=3&cursor=" + second.get("nextCursor").asString())
            .json();
    assertThat(ids(last)).containsExactly(created.getFirst());
    assertThat(last.get("nextCursor") == null || last.get("nextCursor").isNull()).isTrue();
  }

  @Test
  void paginationIsStableUnderConcurrentInserts() throws Exception {
    List<String> existing = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      existing.add(createTaskId("{\"goal\":\"existing " + i + "\"}"));
    }
    AtomicBoolean paging = new AtomicBoolean(true);
    AtomicInteger inserted = new AtomicInteger();
    Thread inserter =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (paging.get()) {
                    var created =
                        api.post(tenant, "/api/v1/tasks", "{\"goal\":\"concurrent insert\"}");
                    if (created.status() == 201) {
                      inserted.incrementAndGet();
                    }
                  }
                });
    List<String> seen = new ArrayList<>();
    try {
      String cursor = null;
      int pages = 0;
      do {
        var page =
            api.get(tenant, "/api/v1/tasks?limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(page.status()).isEqualTo(200);
        seen.addAll(ids(page.json()));
        JsonNode next = page.json().get("nextCursor");
        cursor = next == null || next.isNull() ? null : next.asString();
        int pagesRead = ++pages;
        await().atMost(PATIENCE).until(() -> inserted.get() >= pagesRead);
      } while (cursor != null);
    } finally {
      paging.set(false);
      inserter.join();
    }

    assertThat(inserted.get()).isPositive();
    assertThat(new HashSet<>(seen)).hasSameSizeAs(seen);
    assertThat(seen).containsAll(existing);
    assertThat(seen.stream().filter(existing::contains).toList())
        .containsExactlyElementsOf(existing.reversed());
  }

  @Test
  void aGarbledCursorIsABadRequest() {
    var answer = api.get(tenant, "/api/v1/tasks?cursor=not-a-cursor");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/validation");
  }

  private static List<String> ids(JsonNode page) {
    return page.get("items").valueStream().map(item -> item.get("taskId").asString()).toList();
  }
}

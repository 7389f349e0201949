package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.dispatch.DispatchListener;
import io.tasklane.runner.support.LedgerStub;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class DispatchSlotsTests extends RunnerTest {

  @Autowired DispatchListener dispatches;

  @Test
  void aFullRunnerClaimsNoMoreTasksUntilASlotFrees() {
    Models m = models();
    CountDownLatch release = new CountDownLatch(1);
    MODELS.script(m.executor(), workingOnceReleased(release));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    List<TaskClaim.Granted> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tasks.add(task("Task " + i, plan("Do " + i, "done " + i), options(m)));
    }
    Set<UUID> ids = tasks.stream().map(TaskClaim.Granted::taskId).collect(Collectors.toSet());

    tasks.forEach(this::dispatch);

    eventually("three slots are in use", () -> granted(ids) == 3);
    eventually("two model requests are in flight", () -> MODELS.requests(m.executor()).size() >= 2);
    // the runner has had time to fetch more dispatches; it must not have claimed them
    sleep(1500);
    assertThat(granted(ids)).isEqualTo(3);
    release.countDown();

    for (var task : tasks) {
      assertThat(REPORTS.awaitEnd(task.taskId()))
          .isInstanceOfSatisfying(
              RunnerReport.Finished.class,
              f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    }
    assertThat(granted(ids)).isEqualTo(5);
    assertThat(maxConcurrent(MODELS.requests(m.executor())))
        .as("requests to one endpoint at once")
        .isLessThanOrEqualTo(2);
  }

  @Test
  void aBurstIsClaimedInParallelWithinTheSlots() {
    Models m = models();
    CountDownLatch release = new CountDownLatch(1);
    MODELS.script(m.executor(), workingOnceReleased(release));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    List<TaskClaim.Granted> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      var task =
          task(
              taskIdOnPartition(0),
              1,
              "Task " + i,
              plan("Do " + i, "done " + i),
              0,
              null,
              options(m));
      LEDGER.delayClaims(task.taskId(), Duration.ofMillis(800));
      tasks.add(task);
    }
    Set<UUID> ids = tasks.stream().map(TaskClaim.Granted::taskId).collect(Collectors.toSet());

    arrivingInOnePoll(() -> tasks.forEach(this::dispatch));

    eventually("three slots are in use", () -> granted(ids) == 3);
    sleep(1500);
    assertThat(granted(ids)).isEqualTo(3);
    assertThat(maxConcurrentClaims(ids)).as("claims in flight at once").isEqualTo(3);
    release.countDown();

    for (var task : tasks) {
      assertThat(REPORTS.awaitEnd(task.taskId()))
          .isInstanceOfSatisfying(
              RunnerReport.Finished.class,
              f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    }
    assertThat(granted(ids)).isEqualTo(5);
  }

  @Test
  void aClaimThatFailsIsRedeliveredWithoutLosingOrRerunningTheOthers() {
    Models m = models();
    CountDownLatch release = new CountDownLatch(1);
    MODELS.script(m.executor(), workingOnceReleased(release));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    List<TaskClaim.Granted> tasks = new ArrayList<>();
    for (String name : List.of("before", "failing", "after")) {
      tasks.add(
          task(taskIdOnPartition(0), 1, name, plan("Do " + name, "done"), 0, null, options(m)));
    }
    var before = tasks.get(0);
    var failing = tasks.get(1);
    var after = tasks.get(2);
    LEDGER.failClaims(failing.taskId(), 1);

    arrivingInOnePoll(() -> tasks.forEach(this::dispatch));

    eventually("the failed claim was made again", () -> statuses(failing).size() == 2);
    // the record after the failed one came back with it; its task was running by then
    sleep(1000);
    release.countDown();

    for (var task : tasks) {
      assertThat(REPORTS.awaitEnd(task.taskId()))
          .isInstanceOfSatisfying(
              RunnerReport.Finished.class,
              f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    }
    sleep(500);
    assertThat(statuses(before)).containsExactly(200);
    assertThat(statuses(failing)).containsExactly(503, 200);
    assertThat(statuses(after)).containsExactly(200);
    for (var task : tasks) {
      assertThat(REPORTS.of(task.taskId(), RunnerReport.Finished.class)).hasSize(1);
    }
  }

  @Test
  void aDispatchTheLedgerRefusesIsDroppedWithoutReports() {
    Models m = models();
    var task = task("Already taken", plan("Do", "done"), options(m));
    LEDGER.offer(task);
    var stale =
        task(
            task.taskId(),
            0,
            task.goal(),
            task.plan(),
            0,
            task.resumeContext(),
            task.modelOptions());

    dispatchOnly(stale);

    eventually(
        "the claim was refused",
        () ->
            LEDGER.claims().stream()
                .anyMatch(c -> c.taskId().equals(task.taskId()) && c.status() == 409));
    sleep(500);
    assertThat(REPORTS.of(task.taskId())).isEmpty();
    assertThat(MODELS.requests(m.executor())).isEmpty();
  }

  /**
   * Works the step (one write, then done) once {@code release} opens, so the tasks hold their slots
   * until then; the summary is written at once.
   */
  private static Script workingOnceReleased(CountDownLatch release) {
    return request -> {
      if (request.transcript().contains("Write the summary") || request.tools().isEmpty()) {
        return Reply.text("summary");
      }
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return request.messages().stream().anyMatch(m -> m.role().equals("tool"))
          ? Reply.text("did it")
          : Reply.toolCall("write_file", "{\"path\":\"done.txt\",\"content\":\"done\"}");
    };
  }

  /** Publishes while the runner takes no dispatches, so that it then finds them all in one poll. */
  private void arrivingInOnePoll(Runnable publish) {
    dispatches.stop();
    try {
      publish.run();
    } finally {
      dispatches.start();
    }
  }

  private static List<Integer> statuses(TaskClaim.Granted task) {
    return LEDGER.claims().stream()
        .filter(c -> c.taskId().equals(task.taskId()))
        .map(LedgerStub.Claim::status)
        .toList();
  }

  private static int maxConcurrentClaims(Set<UUID> ids) {
    List<LedgerStub.Claim> claims =
        LEDGER.claims().stream().filter(c -> ids.contains(c.taskId())).toList();
    int max = 0;
    for (LedgerStub.Claim c : claims) {
      int overlapping =
          (int)
              claims.stream()
                  .filter(
                      o ->
                          o.receivedNanos() <= c.receivedNanos()
                              && o.answeredNanos() > c.receivedNanos())
                  .count();
      max = Math.max(max, overlapping);
    }
    return max;
  }

  private static long granted(Set<UUID> ids) {
    return LEDGER.granted().stream().filter(c -> ids.contains(c.taskId())).count();
  }

  private static int maxConcurrent(List<RecordedRequest> requests) {
    int max = 0;
    for (RecordedRequest r : requests) {
      long at = r.receivedNanos();
      int overlapping =
          (int)
              requests.stream()
                  .filter(
                      o ->
                          o.receivedNanos() <= at
                              && (o.completedNanos() == 0 || o.completedNanos() > at))
                  .count();
      max = Math.max(max, overlapping);
    }
    return max;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

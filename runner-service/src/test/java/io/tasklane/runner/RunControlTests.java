package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.StepStatus;
import io.tasklane.contracts.TaskControl;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.support.LedgerStub;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunControlTests extends RunnerTest {

  @Test
  void cancelMidRoundAbortsTheModelRequestAndReportsCancelled() {
    Models m = models();
    MODELS.script(m.executor(), Script.always(Reply.hang(Duration.ofSeconds(30))));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m));
    dispatch(task);
    eventually("the model request is in flight", () -> !MODELS.requests(m.executor()).isEmpty());

    control(task, TaskControl.Command.CANCEL);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.CANCELLED));
    RecordedRequest inFlight = MODELS.requests(m.executor()).getFirst();
    eventually("the in-flight request was aborted", inFlight::aborted);
    assertThat(MODELS.requests(m.executor())).hasSize(1);
  }

  @Test
  void aCancelThatComesWhileTheClaimIsAnsweredStopsTheRunAsItStarts() {
    Models m = models();
    MODELS.script(m.planner(), Script.always(Reply.hang(Duration.ofSeconds(30))));
    MODELS.script(m.executor(), Script.always(Reply.hang(Duration.ofSeconds(30))));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m));
    // the ledger has granted the claim; its answer takes a while to reach the runner
    LEDGER.delayClaims(task.taskId(), Duration.ofSeconds(5));
    dispatch(task);
    control(task, TaskControl.Command.CANCEL);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.CANCELLED));
    assertThat(LEDGER.granted()).extracting(LedgerStub.Claim::taskId).contains(task.taskId());
  }

  @Test
  void aControlMessageForAnotherAttemptIsIgnored() {
    Models m = models();
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    MODELS.script(
        m.executor(),
        request -> {
          await(release);
          return calls.incrementAndGet() == 1
              ? Reply.toolCall("write_file", "{\"path\":\"hi.txt\",\"content\":\"hi\"}")
              : Reply.text("hi.txt says hi");
        });
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    var task = task("Say hi", plan("Say hi", "hi.txt says hi"), options(m));
    dispatch(task);
    eventually("the model request is in flight", () -> !MODELS.requests(m.executor()).isEmpty());

    var stale =
        task(
            task.taskId(),
            7,
            task.goal(),
            task.plan(),
            0,
            task.resumeContext(),
            task.modelOptions());
    control(stale, TaskControl.Command.CANCEL);
    release.countDown();

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
  }

  @Test
  void theRunTimeoutEndsTheTaskAsTimedOut() {
    Models m = models();
    MODELS.script(m.executor(), Script.always(Reply.hang(Duration.ofSeconds(30))));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m, null, 20, 1));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> {
              assertThat(f.outcome()).isEqualTo(TaskStatus.TIMED_OUT);
              assertThat(f.error()).isEqualTo("run timeout exceeded");
            });
    eventually(
        "the in-flight request was aborted", MODELS.requests(m.executor()).getFirst()::aborted);
  }

  @Test
  void pauseStopsAtASafePointAndAResumeNeverRerunsVerifiedSteps() {
    Models m = models();
    CountDownLatch inStepTwo = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MODELS.script(
        m.executor(),
        new Script() {
          private final Script first =
              Script.of(
                  Reply.toolCall("write_file", "{\"path\":\"one.txt\",\"content\":\"1\"}"),
                  Reply.text("one.txt written"),
                  Reply.toolCall("write_file", "{\"path\":\"two.txt\",\"content\":\"2\"}"));
          private int calls;

          @Override
          public synchronized Reply reply(RecordedRequest request) {
            calls++;
            if (calls == 3) {
              inStepTwo.countDown();
              await(release);
            }
            return first.reply(request);
          }
        });
    MODELS.script(m.verifier(), Script.always(Reply.text("YES the file is there")));
    var task =
        task(
            "Write two files",
            plan("Write one.txt", "one.txt exists", "Write two.txt", "two.txt exists"),
            options(m));
    dispatch(task);
    await(inStepTwo);

    control(task, TaskControl.Command.PAUSE);
    release.countDown();

    var end = REPORTS.awaitEnd(task.taskId());
    assertThat(end).isInstanceOf(RunnerReport.Paused.class);
    var paused = (RunnerReport.Paused) end;
    assertThat(paused.reason()).isEqualTo("by the test");
    assertThat(paused.resumeContext().currentStep()).isEqualTo(1);
    assertThat(paused.resumeContext().conversation())
        .anySatisfy(msg -> assertThat(msg.content()).isEqualTo("Wrote 1 bytes to one.txt"))
        .anySatisfy(msg -> assertThat(msg.content()).isEqualTo("Wrote 1 bytes to two.txt"));

    MODELS.script(m.executor(), Script.of(Reply.text("two.txt is written"), Reply.text("summary")));
    List<PlanStep> ledgerPlan =
        List.of(
            new PlanStep(
                0, "Write one.txt", "one.txt exists", StepStatus.VERIFIED, 1, "the file is there"),
            new PlanStep(1, "Write two.txt", "two.txt exists", StepStatus.RUNNING, 1, null));
    var resumed =
        task(
            task.taskId(),
            2,
            task.goal(),
            ledgerPlan,
            1,
            paused.resumeContext(),
            task.modelOptions());
    int executorCallsBefore = MODELS.requests(m.executor()).size();
    dispatch(resumed);

    assertThat(REPORTS.awaitEnd(task.taskId(), 2))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepStarted.class))
        .filteredOn(s -> s.attempt() == 2)
        .extracting(RunnerReport.StepStarted::stepIndex)
        .containsExactly(1);
    assertThat(REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class))
        .filteredOn(s -> s.attempt() == 2)
        .isEmpty();
    RecordedRequest firstAfterResume = MODELS.requests(m.executor()).get(executorCallsBefore);
    assertThat(firstAfterResume.transcript())
        .contains("Wrote 1 bytes to one.txt", "Wrote 1 bytes to two.txt");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.StepStatus;
import io.tasklane.contracts.TaskControl;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A small model that is merely clumsy (server errors, broken tool-call syntax, hangs, a pause at
 * the wrong moment) still gets its honest work verified; it never ends {@code failed}.
 */
class ClumsyModelTests extends RunnerTest {

  private static final String LLAMA_FORMAT_ERROR =
      "The model produced output that does not match the expected tool call format.";

  @Test
  void llamaServersFormatErrorIsAMalformedRoundToldToTheModel() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.status(500, LLAMA_FORMAT_ERROR),
            Reply.status(500, LLAMA_FORMAT_ERROR),
            Reply.status(500, LLAMA_FORMAT_ERROR),
            Reply.status(500, LLAMA_FORMAT_ERROR),
            Reply.status(500, LLAMA_FORMAT_ERROR),
            Reply.toolCall("write_file", "{\"path\":\"x.txt\",\"content\":\"x\"}"),
            Reply.text("done"),
            Reply.text("summary")));
    MODELS.script(m.verifier(), Script.gullible("\"content\":\"x\""));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    assertThat(MODELS.requests(m.executor()).get(1).transcript())
        .contains("could not be read", "does not match the expected");
  }

  @Test
  void aModelThatNeverProducesReadableOutputNeedsAssistanceInsteadOfFailing() {
    Models m = models();
    MODELS.script(m.executor(), Script.always(Reply.status(500, LLAMA_FORMAT_ERROR)));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.NeedsAssistance.class,
            help -> assertThat(help.reason()).contains("Step 1 was not verified"));
    assertThat(MODELS.requests(m.verifier())).isEmpty();
  }

  @Test
  void anOllamaReplyWithStringToolArgumentsIsMalformedNotAClientError() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"x.txt\",\"content\":\"x\"}"),
            Reply.text("done"),
            Reply.text("summary")));
    // the verifier speaks the Ollama format: its first answer carries arguments as a string
    MODELS.script(
        m.verifier(),
        Script.of(Reply.toolCall("answer", "{verdict: YES"), Reply.text("YES: x.txt holds x")));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepVerdict.class))
        .extracting(RunnerReport.StepVerdict::passed)
        .containsExactly(true);
    assertThat(MODELS.requests(m.verifier())).hasSize(2);
  }

  @Test
  void flakyAndHangingModelsStillSucceedAgainstTheGullibleVerifier() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.status(503),
            Reply.hang(Duration.ofSeconds(30)),
            Reply.toolCall("write_file", "{\"path\":\"x.txt\",\"content\":\"TOKEN-77\"}"),
            Reply.text("done"),
            Reply.text("summary")));
    MODELS.script(m.verifier(), Script.gullible("TOKEN-77"));
    var task =
        task("Write x", plan("Write x.txt", "x.txt holds the token"), options(m, null, 1, null));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
  }

  @Test
  void evidenceRecordedBeforeAPauseIsJudgedAfterTheResume() {
    Models m = models();
    CountDownLatch called = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MODELS.script(
        m.executor(),
        new Script() {
          private int calls;

          @Override
          public synchronized Reply reply(RecordedRequest request) {
            calls++;
            if (calls == 1) {
              return Reply.toolCall("write_file", "{\"path\":\"two.txt\",\"content\":\"TOKEN-9\"}");
            }
            called.countDown();
            await(release);
            return Reply.text("two.txt is written");
          }
        });
    MODELS.script(m.verifier(), Script.gullible("TOKEN-9"));
    var task = task("Write two", plan("Write two.txt", "two.txt holds the token"), options(m));
    dispatch(task);
    await(called);

    control(task, TaskControl.Command.PAUSE);
    // the pause travels through the broker; the model's answer must not overtake it
    sleep(1500);
    release.countDown();

    var paused = REPORTS.awaitEnd(task.taskId());
    assertThat(paused).isInstanceOf(RunnerReport.Paused.class);
    assertThat(MODELS.requests(m.verifier())).isEmpty();
    MODELS.script(m.executor(), Script.of(Reply.text("two.txt is written"), Reply.text("summary")));
    var resumed =
        task(
            task.taskId(),
            2,
            task.goal(),
            List.of(
                new PlanStep(
                    0, "Write two.txt", "two.txt holds the token", StepStatus.RUNNING, 1, null)),
            0,
            ((RunnerReport.Paused) paused).resumeContext(),
            task.modelOptions());
    dispatch(resumed);

    assertThat(REPORTS.awaitEnd(task.taskId(), 2))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    assertThat(REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class))
        .filteredOn(c -> c.attempt() == 2)
        .isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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

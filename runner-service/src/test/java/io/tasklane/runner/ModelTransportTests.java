package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelTransportTests extends RunnerTest {

  @Test
  void serverErrorsAreRetriedWithBackoffUntilTheModelAnswers() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.status(500),
            Reply.status(503),
            Reply.toolCall("write_file", "{\"path\":\"x.txt\",\"content\":\"x\"}"),
            Reply.text("done"),
            Reply.text("summary")));
    MODELS.script(m.verifier(), Script.of(Reply.status(502), Reply.text("YES x.txt written")));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    assertThat(MODELS.requests(m.executor())).hasSize(5);
    assertThat(MODELS.requests(m.verifier())).hasSize(2);
  }

  @Test
  void aClientErrorIsNotRetriedAndFailsTheTask() {
    Models m = models();
    MODELS.script(m.executor(), Script.always(Reply.status(400)));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> {
              assertThat(f.outcome()).isEqualTo(TaskStatus.FAILED);
              assertThat(f.error()).contains("rejected the request");
            });
    assertThat(MODELS.requests(m.executor())).hasSize(1);
  }

  @Test
  void aHungRequestIsAbortedByTheRoundTimeoutAndRetried() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.hang(Duration.ofSeconds(30)),
            Reply.toolCall("write_file", "{\"path\":\"x.txt\",\"content\":\"x\"}"),
            Reply.text("done"),
            Reply.text("summary")));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m, null, 1, null));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    RecordedRequest hung = MODELS.requests(m.executor()).getFirst();
    eventually("the client closed the hung request", hung::aborted);
  }

  @Test
  void roundsThatKeepTimingOutEndTheTaskAsTimedOut() {
    Models m = models();
    MODELS.script(m.executor(), Script.always(Reply.hang(Duration.ofSeconds(30))));
    var task = task("Write x", plan("Write x.txt", "x.txt exists"), options(m, null, 1, null));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> {
              assertThat(f.outcome()).isEqualTo(TaskStatus.TIMED_OUT);
              assertThat(f.error()).contains("failed 4 times");
            });
    assertThat(MODELS.requests(m.executor())).hasSize(4);
    MODELS.requests(m.executor()).forEach(r -> eventually("request aborted", r::aborted));
  }
}

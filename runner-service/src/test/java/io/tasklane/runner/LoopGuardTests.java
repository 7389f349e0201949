package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class LoopGuardTests extends RunnerTest {

  @Autowired MeterRegistry meters;

  @Test
  void aRepeatedCallGetsGuidanceThenIsBlockedThenTheTaskNeedsAssistance() {
    Models m = models();
    MODELS.script(m.executor(), Script.always(Reply.toolCall("list_files", "{\"path\":\".\"}")));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    var task = task("Look around", plan("List the files", "the listing was read"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.NeedsAssistance.class,
            help ->
                assertThat(help.reason())
                    .contains("kept repeating list_files")
                    .contains("loop guard"));
    var calls = REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class);
    assertThat(calls).hasSize(5);
    assertThat(calls.get(0).result()).doesNotContain("[runner]");
    assertThat(calls.get(1).result()).doesNotContain("[runner]");
    assertThat(calls.get(2).result()).contains("[runner] You have made this exact call 3 times");
    assertThat(calls.get(2).error()).isFalse();
    assertThat(calls.get(3).error()).isTrue();
    assertThat(calls.get(3).result()).startsWith("Blocked by the runner");
    assertThat(calls.get(4).result()).startsWith("Blocked by the runner");
    assertThat(MODELS.requests(m.executor()).get(3).transcript())
        .contains("You have made this exact call 3 times");
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepVerdict.class)).isEmpty();
    assertThat(REPORTS.of(task.taskId(), RunnerReport.Finished.class)).isEmpty();
    assertThat(
            meters
                .counter(
                    "tasklane.runner.loop_guard.hits", "action", "give_up", "pattern", "repeat")
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aPingPongBetweenTwoCallsIsCaughtAsWell() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("read_file", "{\"path\":\"a.txt\"}"),
            Reply.toolCall("list_files", "{}"),
            Reply.toolCall("read_file", "{\"path\":\"a.txt\"}"),
            Reply.toolCall("list_files", "{}"),
            Reply.toolCall("read_file", "{\"path\":\"a.txt\"}"),
            Reply.toolCall("list_files", "{}"),
            Reply.toolCall("read_file", "{\"path\":\"a.txt\"}"),
            Reply.toolCall("list_files", "{}")));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    var task = task("Find a", plan("Read a.txt", "a.txt was read"), options(m));

    dispatch(task);

    assertThat(REPORTS.awaitEnd(task.taskId()))
        .isInstanceOfSatisfying(
            RunnerReport.NeedsAssistance.class,
            help -> assertThat(help.reason()).contains("ping_pong"));
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepVerdict.class)).isEmpty();
  }
}

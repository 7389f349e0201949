package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RunnerReportTests extends LedgerTest {

  @Test
  void aProposedPlanBecomesTheTasksPlan() {
    var runner = runningTask("{\"goal\":\"Plan it\"}");
    runner.send(runner.plan("inspect", "repair", "confirm"));

    JsonNode task = awaitTask(runner.taskId(), t -> t.get("plan").size() == 3);

    assertThat(task.get("plan").valueStream().map(s -> s.get("description").asString()))
        .containsExactly("inspect", "repair", "confirm");
    assertThat(task.get("plan").get(1).get("status").asString()).isEqualTo("pending");
    assertThat(journalOfType(runner.taskId(), "plan_set")).hasSize(1);
  }

  @Test
  void stepStartedToolCallsAndVerdictsAreJournaled() {
    var runner = runningTask("{\"goal\":\"Work the plan\"}");
    runner.send(runner.plan("inspect", "repair"));
    runner.send(runner.stepStarted(0));
    runner.send(runner.toolCalled(0, "shell", "{\"cmd\":\"cat log\"}"));
    runner.send(runner.verdict(0, false, "no evidence yet"));

    JsonNode afterNo = awaitTask(runner.taskId(), t -> "no evidence yet".equals(stepVerdict(t, 0)));
    assertThat(afterNo.get("currentStep").asInt()).isZero();
    assertThat(afterNo.get("plan").get(0).get("status").asString()).isEqualTo("running");

    runner.send(runner.stepStarted(0));
    runner.send(runner.verdict(0, true, "log shows the cause"));
    JsonNode afterYes =
        awaitTask(runner.taskId(), t -> "log shows the cause".equals(stepVerdict(t, 0)));

    assertThat(afterYes.get("currentStep").asInt()).isEqualTo(1);
    assertThat(afterYes.get("plan").get(0).get("status").asString()).isEqualTo("verified");
    assertThat(afterYes.get("plan").get(0).get("attempts").asInt()).isEqualTo(2);
    JsonNode toolCall = journalOfType(runner.taskId(), "tool_call").getFirst();
    assertThat(toolCall.get("payload").get("tool").asString()).isEqualTo("shell");
    assertThat(toolCall.get("payload").get("arguments").asString()).contains("cat log");
    assertThat(journalOfType(runner.taskId(), "step_started")).hasSize(2);
    assertThat(journalOfType(runner.taskId(), "verdict"))
        .extracting(v -> v.get("payload").get("passed").asBoolean())
        .containsExactly(false, true);
  }

  @Test
  void aHeartbeatExtendsTheLease() {
    var runner = runningTask("{\"goal\":\"Keep alive\"}");
    Instant claimedLease = Instant.parse(show(runner.taskId()).get("leaseExpiresAt").asString());

    runner.send(runner.heartbeat(3600));

    JsonNode task =
        awaitTask(
            runner.taskId(),
            t -> Instant.parse(t.get("leaseExpiresAt").asString()).isAfter(claimedLease));
    assertThat(Instant.parse(task.get("leaseExpiresAt").asString()))
        .isAfter(Instant.now().plusSeconds(3000));
  }

  @Test
  void progressSetsTheProgressSummary() {
    var runner = runningTask("{\"goal\":\"Say how it goes\"}");
    runner.send(runner.progress("2 of 3 files fixed"));

    awaitTask(
        runner.taskId(), t -> "2 of 3 files fixed".equals(t.path("progressSummary").asString("")));
    assertThat(journalOfType(runner.taskId(), "progress")).hasSize(1);
  }

  @Test
  void pausedCarriesItsReasonAndResumeContext() {
    var runner = runningTask("{\"goal\":\"Pause safely\"}");
    runner.send(runner.paused("paused by operator", ScriptedRunner.context(2, "did a", "did b")));

    JsonNode task = awaitTask(runner.taskId(), t -> t.get("status").asString().equals("paused"));

    assertThat(task.get("statusReason").asString()).isEqualTo("paused by operator");
    JsonNode context = claimAfterResume(runner.taskId()).get("resumeContext");
    assertThat(context.get("currentStep").asInt()).isEqualTo(2);
    assertThat(context.get("conversation").size()).isEqualTo(2);
  }

  @Test
  void needsAssistanceCarriesItsReasonAndResumeContext() {
    var runner = runningTask("{\"goal\":\"Get stuck\",\"requesterSessionKey\":\"chat-1\"}");
    runner.send(runner.needsAssistance("credentials missing", ScriptedRunner.context(1, "tried")));

    JsonNode task =
        awaitTask(runner.taskId(), t -> t.get("status").asString().equals("needs_assistance"));

    assertThat(task.get("statusReason").asString()).isEqualTo("credentials missing");
    assertThat(task.get("deliveryStatus").asString()).isEqualTo("pending");
    JsonNode context = claimAfterResume(runner.taskId()).get("resumeContext");
    assertThat(context.get("currentStep").asInt()).isEqualTo(1);
    assertThat(context.get("conversation").get(0).get("content").asString()).isEqualTo("tried");
  }

  @Test
  void finishedSetsTheTerminalSummaryAndStatus() {
    var succeeded = runningTask("{\"goal\":\"Succeed\"}");
    succeeded.succeed("all green");
    var failed = runningTask("{\"goal\":\"Fail\"}");
    failed.send(failed.finished(TaskStatus.FAILED, "gave up", "tests keep failing"));
    var timedOut = runningTask("{\"goal\":\"Run out of time\"}");
    timedOut.send(timedOut.finished(TaskStatus.TIMED_OUT, "too slow", "run timeout"));

    JsonNode ok =
        awaitTask(succeeded.taskId(), t -> t.get("status").asString().equals("succeeded"));
    JsonNode bad = awaitTask(failed.taskId(), t -> t.get("status").asString().equals("failed"));
    JsonNode late =
        awaitTask(timedOut.taskId(), t -> t.get("status").asString().equals("timed_out"));

    assertThat(ok.get("terminalSummary").asString()).isEqualTo("all green");
    assertThat(ok.has("error")).isFalse();
    assertThat(ok.has("leaseExpiresAt")).isFalse();
    assertThat(bad.get("terminalSummary").asString()).isEqualTo("gave up");
    assertThat(bad.get("error").asString()).isEqualTo("tests keep failing");
    assertThat(late.get("terminalSummary").asString()).isEqualTo("too slow");
  }

  @Test
  void nulCharactersFromAModelAreStoredAsReplacementCharacters() {
    var runner = runningTask("{\"goal\":\"Echo a binary file\"}");
    runner.send(runner.toolCalled(0, "read_file", "{\"path\":\"a\u0000b\"}"));
    runner.succeed("read a\u0000b, literally \\u0000 in text");

    JsonNode task = awaitTask(runner.taskId(), t -> t.get("status").asString().equals("succeeded"));

    assertThat(task.get("terminalSummary").asString())
        .isEqualTo("read a\ufffdb, literally \\u0000 in text");
    JsonNode toolCall = journalOfType(runner.taskId(), "tool_call").getFirst();
    assertThat(toolCall.get("payload").get("arguments").asString()).contains("a\ufffdb");
  }

  @Test
  void aReportWithAStaleAttemptIsIgnoredAndCounted() {
    String id = createTaskId("{\"goal\":\"Fenced\"}");
    api.post(tenant, "/api/v1/tasks/" + id + "/cancel", null);
    api.post(tenant, "/api/v1/tasks/" + id + "/retry", null);
    claim(id, 2);
    var stale = new ScriptedRunner(id, tenant, 1);
    var current = new ScriptedRunner(id, tenant, 2);
    double ignoredBefore = ignoredReports("stale_attempt");
    List<JsonNode> journalBefore = journal(id);

    stale.send(stale.progress("from a runner that lost the task"));
    stale.send(stale.finished(TaskStatus.SUCCEEDED, "stale success", null));
    current.send(current.progress("current runner"));

    JsonNode task =
        awaitTask(id, t -> "current runner".equals(t.path("progressSummary").asString("")));
    assertThat(task.get("status").asString()).isEqualTo("running");
    assertThat(task.has("terminalSummary")).isFalse();
    assertThat(journal(id)).hasSize(journalBefore.size() + 1);
    await().atMost(PATIENCE).until(() -> ignoredReports("stale_attempt") == ignoredBefore + 2);
  }

  @Test
  void aRedeliveredReportIsAppliedOnce() {
    var runner = runningTask("{\"goal\":\"At least once\"}");
    runner.send(runner.plan("one", "two"));
    RunnerReport.StepStarted started = runner.stepStarted(0);
    RunnerReport.Progress progress = runner.progress("first words");

    runner.send(started);
    runner.send(started);
    runner.send(progress);
    runner.send(progress);
    runner.send(runner.progress("marker"));

    JsonNode task =
        awaitTask(runner.taskId(), t -> "marker".equals(t.path("progressSummary").asString("")));
    assertThat(journalOfType(runner.taskId(), "step_started")).hasSize(1);
    assertThat(journalOfType(runner.taskId(), "progress"))
        .extracting(p -> p.get("payload").get("summary").asString())
        .containsExactly("first words", "marker");
    assertThat(task.get("plan").get(0).get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void reportsOfSeveralTasksSentTogetherAreEachAppliedOnceAndInOrder() {
    List<ScriptedRunner> runners =
        List.of(
            runningTask("{\"goal\":\"Together 1\"}"),
            runningTask("{\"goal\":\"Together 2\"}"),
            runningTask("{\"goal\":\"Together 3\"}"));
    var stillRunning = runningTask("{\"goal\":\"Together, still running\"}");
    runners.forEach(runner -> runner.send(runner.plan("the work")));
    runners.forEach(runner -> runner.send(runner.stepStarted(0)));
    stillRunning.send(stillRunning.stepStarted(0));
    stillRunning.send(stillRunning.heartbeat(3600));
    runners.forEach(runner -> runner.send(runner.heartbeat(3600)));
    runners.forEach(runner -> runner.send(runner.toolCalled(0, "write_file", "{}")));
    for (ScriptedRunner runner : runners) {
      RunnerReport verdict = runner.send(runner.verdict(0, true, "written"));
      runner.send(verdict); // redelivered
    }
    runners.forEach(runner -> runner.send(runner.progress("verified")));
    runners.forEach(runner -> runner.send(runner.finished(TaskStatus.SUCCEEDED, "done", null)));
    stillRunning.send(stillRunning.progress("marker"));

    for (ScriptedRunner runner : runners) {
      JsonNode task =
          awaitTask(runner.taskId(), t -> t.get("status").asString().equals("succeeded"));
      assertThat(task.get("terminalSummary").asString()).isEqualTo("done");
      assertThat(task.has("leaseExpiresAt")).isFalse();
      assertThat(task.get("plan").get(0).get("status").asString()).isEqualTo("verified");
      assertThat(journal(runner.taskId()))
          .extracting(entry -> entry.get("type").asString())
          .containsExactly(
              "created",
              "status_changed",
              "plan_set",
              "step_started",
              "tool_call",
              "verdict",
              "progress",
              "status_changed");
    }
    JsonNode running =
        awaitTask(
            stillRunning.taskId(), t -> "marker".equals(t.path("progressSummary").asString("")));
    assertThat(running.get("status").asString()).isEqualTo("running");
    assertThat(Instant.parse(running.get("leaseExpiresAt").asString()))
        .isAfter(Instant.now().plusSeconds(3000));
  }

  @Test
  void aReportForAnotherTenantsTaskIsIgnored() {
    var runner = runningTask("{\"goal\":\"Mine\"}");
    var impostor = new ScriptedRunner(runner.taskId(), tenant + "-other", 1);
    double ignoredBefore = ignoredReports("unknown_task");

    impostor.send(impostor.finished(TaskStatus.SUCCEEDED, "not yours", null));

    await().atMost(PATIENCE).until(() -> ignoredReports("unknown_task") == ignoredBefore + 1);
    assertThat(show(runner.taskId()).get("status").asString()).isEqualTo("running");
  }

  @Test
  void succeededWithoutAPassingVerdictForEveryStepIsRefusedCountedAndAudited() {
    var runner =
        runningTask(
            "{\"goal\":\"Two steps\",\"plan\":[{\"description\":\"a\",\"doneWhen\":\"a done\"},"
                + "{\"description\":\"b\",\"doneWhen\":\"b done\"}]}");
    double refusedBefore =
        counter("tasklane_tasks_unverified_success_refused_total", "reason", "unverified_steps");

    runner.send(runner.verdict(0, true, "a is done"));
    runner.send(runner.finished(TaskStatus.SUCCEEDED, "both done, trust me", null));

    JsonNode task =
        awaitTask(runner.taskId(), t -> t.get("status").asString().equals("needs_assistance"));
    assertThat(task.get("statusReason").asString())
        .isEqualTo(
            "unverified_success_refused: no passing verdict or check on record for step(s) 2");
    assertThat(task.has("terminalSummary")).isFalse();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                counter(
                        "tasklane_tasks_unverified_success_refused_total",
                        "reason",
                        "unverified_steps")
                    == refusedBefore + 1);
    JsonNode refusal = journalOfType(runner.taskId(), "status_changed").getLast().get("payload");
    assertThat(refusal.get("to").asString()).isEqualTo("needs_assistance");
    assertThat(refusal.get("refused").asString()).isEqualTo("succeeded");
  }

  @Test
  void aVerdictFromARunnerThatDoesNotHoldTheClaimIsIgnored() {
    var runner =
        runningTask(
            "{\"goal\":\"Held\",\"plan\":[{\"description\":\"a\",\"doneWhen\":\"a done\"}]}");
    double ignoredBefore = ignoredReports("not_claim_holder");

    Broker.send(
        io.tasklane.contracts.Topics.RUNNER_REPORTS,
        java.util.UUID.fromString(runner.taskId()),
        Broker.JSON
            .writerFor(RunnerReport.class)
            .writeValueAsString(
                new RunnerReport.StepVerdict(
                    new RunnerReport.Header(
                        java.util.UUID.randomUUID(),
                        java.util.UUID.fromString(runner.taskId()),
                        tenant,
                        1,
                        "another-runner",
                        java.time.Instant.now()),
                    0,
                    true,
                    "looks done to me",
                    "verifier",
                    null)));

    await().atMost(PATIENCE).until(() -> ignoredReports("not_claim_holder") == ignoredBefore + 1);
    assertThat(show(runner.taskId()).get("plan").get(0).get("status").asString())
        .isNotEqualTo("verified");
  }

  private ScriptedRunner runningTask(String body) {
    String id = createTaskId(body);
    claim(id, 1);
    return new ScriptedRunner(id, tenant, 1);
  }

  private JsonNode claimAfterResume(String id) {
    var resumed = api.post(tenant, "/api/v1/tasks/" + id + "/resume", null);
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    return claim(id, resumed.json().get("attempt").asInt());
  }

  private static String stepVerdict(JsonNode task, int step) {
    JsonNode plan = task.get("plan");
    return plan.size() > step ? plan.get(step).path("verdict").asString(null) : null;
  }
}

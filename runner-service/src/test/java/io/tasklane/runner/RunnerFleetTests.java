package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.StepStatus;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.dispatch.DispatchListener;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two more runner instances (their own Spring contexts) share the dispatch consumer group; the
 * test's usual runner stops taking dispatches meanwhile.
 */
class RunnerFleetTests extends RunnerTest {

  @Autowired DispatchListener dispatches;
  private final Map<String, ConfigurableApplicationContext> fleet = new HashMap<>();

  @BeforeEach
  void startTwoRunners() {
    dispatches.stop();
    fleet.put("runner-b", startRunner("runner-b"));
    fleet.put("runner-c", startRunner("runner-c"));
    eventually(
        "both runners have dispatch partitions",
        () ->
            fleet.values().stream().allMatch(runner -> !dispatchPartitions(runner).isEmpty())
                && fleet.values().stream()
                        .mapToInt(runner -> dispatchPartitions(runner).size())
                        .sum()
                    == DISPATCH_PARTITIONS);
  }

  private static java.util.Collection<org.apache.kafka.common.TopicPartition> dispatchPartitions(
      ConfigurableApplicationContext runner) {
    return runner.getBean(DispatchListener.class).assignedPartitions();
  }

  @AfterEach
  void stopThem() {
    fleet.values().forEach(ConfigurableApplicationContext::close);
    dispatches.start();
  }

  @Test
  void twoRunnersShareABurstOfTasks() {
    Models m = models();
    MODELS.script(
        m.executor(),
        request ->
            request.messages().stream().anyMatch(msg -> msg.role().equals("tool"))
                ? Reply.text("done.txt written")
                : Reply.toolCall("write_file", "{\"path\":\"done.txt\",\"content\":\"done\"}"));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES")));
    List<TaskClaim.Granted> burst = new ArrayList<>();
    for (int partition = 0; partition < DISPATCH_PARTITIONS; partition++) {
      for (int i = 0; i < 2; i++) {
        burst.add(
            task(
                taskIdOnPartition(partition), 1, "Burst", plan("Do", "done"), 0, null, options(m)));
      }
    }
    Set<UUID> ids = burst.stream().map(TaskClaim.Granted::taskId).collect(Collectors.toSet());

    burst.forEach(this::dispatch);

    for (var task : burst) {
      assertThat(REPORTS.awaitEnd(task.taskId()))
          .isInstanceOfSatisfying(
              RunnerReport.Finished.class,
              f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    }
    var claims = LEDGER.granted().stream().filter(c -> ids.contains(c.taskId())).toList();
    assertThat(claims).hasSize(6);
    assertThat(
            claims.stream()
                .map(io.tasklane.runner.support.LedgerStub.Claim::runnerId)
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("runner-b", "runner-c");
  }

  @Test
  void aRunnerKilledMidTaskIsReplacedWithoutRerunningVerifiedSteps() {
    Models m = models();
    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"one.txt\",\"content\":\"1\"}"),
            Reply.text("one.txt written"),
            Reply.hang(Duration.ofSeconds(30))));
    MODELS.script(m.verifier(), Script.always(Reply.text("YES the file is there")));
    var task =
        task(
            "Write two files",
            plan("Write one.txt", "one.txt exists", "Write two.txt", "two.txt exists"),
            options(m));
    dispatch(task);
    var verdict =
        REPORTS.await(
            task.taskId(), RunnerReport.StepVerdict.class, RunnerReport.StepVerdict::passed);
    eventually("step two is in its model round", () -> MODELS.requests(m.executor()).size() == 3);

    fleet.remove(verdict.runnerId()).close();

    MODELS.script(
        m.executor(),
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"two.txt\",\"content\":\"2\"}"),
            Reply.text("two.txt written"),
            Reply.text("both written")));
    var recovered =
        task(
            task.taskId(),
            2,
            task.goal(),
            List.of(
                new PlanStep(
                    0, "Write one.txt", "one.txt exists", StepStatus.VERIFIED, 1, verdict.reason()),
                new PlanStep(1, "Write two.txt", "two.txt exists", StepStatus.PENDING, 0, null)),
            verdict.resumeContext().currentStep(),
            verdict.resumeContext(),
            task.modelOptions());
    dispatch(recovered);

    assertThat(REPORTS.awaitEnd(task.taskId(), 2))
        .isInstanceOfSatisfying(
            RunnerReport.Finished.class,
            f -> {
              assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED);
              assertThat(f.runnerId()).isNotEqualTo(verdict.runnerId());
            });
    assertThat(REPORTS.of(task.taskId(), RunnerReport.Finished.class)).hasSize(1);
    assertThat(REPORTS.of(task.taskId(), RunnerReport.StepStarted.class))
        .filteredOn(s -> s.attempt() == 2)
        .extracting(RunnerReport.StepStarted::stepIndex)
        .containsExactly(1);
    assertThat(REPORTS.of(task.taskId(), RunnerReport.ToolCalled.class))
        .filteredOn(s -> s.attempt() == 2)
        .extracting(RunnerReport.ToolCalled::arguments)
        .containsExactly("{\"path\":\"two.txt\",\"content\":\"2\"}");
    assertThat(workspace(task).resolve("two.txt")).hasContent("2");
  }

  private static ConfigurableApplicationContext startRunner(String runnerId) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("spring.main.web-application-type", "none");
    properties.put("spring.kafka.bootstrap-servers", TestKafka.get().bootstrapServers());
    properties.put("tasklane.runner.runner-id", runnerId);
    // a member that left without saying so holds up the next rebalance for a session timeout
    properties.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
    properties.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "1000");
    properties.put("tasklane.runner.ledger-url", LEDGER.url());
    properties.put("tasklane.runner.heartbeat-interval", "300ms");
    properties.put("tasklane.runner.models.executor.provider", "openai");
    properties.put("tasklane.runner.models.executor.base-url", MODELS.openAiBaseUrl());
    properties.put("tasklane.runner.models.verifier.provider", "ollama");
    properties.put("tasklane.runner.models.verifier.base-url", MODELS.ollamaBaseUrl());
    properties.put("tasklane.runner.retry.initial-backoff", "50ms");
    properties.put("tasklane.runner.tools.workspace-root", WORKSPACES.toString());
    return new SpringApplicationBuilder(RunnerApplication.class).properties(properties).run();
  }
}

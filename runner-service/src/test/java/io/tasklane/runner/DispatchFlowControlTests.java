package io.tasklane.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.runner.dispatch.DispatchListener;
import io.tasklane.runner.support.RunnerTest;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
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
 * A runner with two slots and a small fetch batch, so that its consumer pauses and resumes many
 * times while twenty tasks wait: no slot may stand free while a dispatch waits, and every task runs
 * once. The test's usual runner takes no dispatches meanwhile.
 */
class DispatchFlowControlTests extends RunnerTest {

  @Autowired DispatchListener dispatches;
  private ConfigurableApplicationContext runner;

  @BeforeEach
  void startATwoSlotRunner() {
    dispatches.stop();
    runner = startRunner("runner-two-slots");
    eventually(
        "the runner holds every dispatch partition",
        () ->
            runner.getBean(DispatchListener.class).assignedPartitions().size()
                == DISPATCH_PARTITIONS);
  }

  @AfterEach
  void stopIt() {
    runner.close();
    dispatches.start();
  }

  @Test
  void twentyQueuedTasksKeepBothSlotsBusyAndAllSucceed() {
    Models m = models();
    MODELS.script(
        m.executor(),
        request -> {
          if (request.tools().isEmpty()) {
            return Reply.text("summary");
          }
          return request.messages().stream().anyMatch(msg -> msg.role().equals("tool"))
              ? Reply.text("done.txt written")
              : Reply.toolCall("write_file", "{\"path\":\"done.txt\",\"content\":\"done\"}");
        });
    MODELS.script(m.verifier(), Script.always(Reply.text("YES the file is there")));
    List<TaskClaim.Granted> queued = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      queued.add(task("Queued " + i, plan("Write done.txt", "done.txt exists"), options(m)));
    }
    Set<UUID> ids = queued.stream().map(TaskClaim.Granted::taskId).collect(Collectors.toSet());

    queued.forEach(this::dispatch);

    for (var task : queued) {
      assertThat(REPORTS.awaitEnd(task.taskId()))
          .isInstanceOfSatisfying(
              RunnerReport.Finished.class,
              f -> assertThat(f.outcome()).isEqualTo(TaskStatus.SUCCEEDED));
    }
    MeterRegistry meters = runner.getBean(MeterRegistry.class);
    assertThat(meters.get("tasklane.runner.dispatch.idle_slot_waits").counter().count())
        .as("times a slot stood free while a dispatch waited")
        .isZero();
    var claims = LEDGER.claims().stream().filter(c -> ids.contains(c.taskId())).toList();
    assertThat(claims).as("one claim per task, none repeated").hasSize(20);
    assertThat(claims).allMatch(c -> c.status() == 200);
    for (var task : queued) {
      assertThat(REPORTS.of(task.taskId(), RunnerReport.Finished.class)).hasSize(1);
    }
    assertThat(meters.get("tasklane.runner.slots.busy").gauge().value()).isZero();
    assertThat(meters.get("tasklane.runner.dispatch.waiting").gauge().value()).isZero();
  }

  private static ConfigurableApplicationContext startRunner(String runnerId) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("spring.main.web-application-type", "none");
    properties.put("spring.kafka.bootstrap-servers", TestKafka.get().bootstrapServers());
    properties.put("tasklane.runner.runner-id", runnerId);
    properties.put("tasklane.runner.slots", "2");
    // fetch four at a time: the consumer pauses at six waiting and resumes at two
    properties.put("tasklane.runner.dispatch-batch", "4");
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

package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class NotifyPolicyTests extends NotifierIntegrationTest {

  @Test
  void doneOnlyDeliversTheResultAndTheCallForHelpButNotTheSteps() {
    String session = newSession();
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    publish(task.created());
    publish(task.moveTo(TaskStatus.RUNNING));
    TaskLifecycleEvent help = task.needsHelp("The report PDF is password protected");
    publish(help);
    publish(task.moveTo(TaskStatus.RUNNING));
    TaskLifecycleEvent done =
        task.finish(TaskStatus.SUCCEEDED, "Revenue grew 12% quarter on quarter.");
    publish(done);

    assertThat(awaitReport(done.id()).outcome()).isEqualTo(DeliveryStatus.SESSION_QUEUED);
    List<JsonNode> messages = inbox(session);
    assertThat(messages)
        .extracting(m -> m.path("status").asString())
        .containsExactly("needs_assistance", "succeeded");
    assertThat(messages.get(0).path("text").asString())
        .contains("Needs your help", "The report PDF is password protected");
    assertThat(messages.get(1).path("text").asString())
        .startsWith("Summarise the quarterly report\nDone")
        .contains("Revenue grew 12% quarter on quarter.")
        .contains("tasklane tasks show " + task.id);
    assertThat(reportsFor(help.id()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.channel()).isEqualTo(DeliveryChannel.INBOX);
              assertThat(r.outcome()).isEqualTo(DeliveryStatus.SESSION_QUEUED);
              assertThat(r.taskId()).isEqualTo(task.id);
            });
  }

  @Test
  void stateChangesDeliversEveryTransitionAndThrottlesProgress() {
    String session = newSession();
    var task = new Task(session, NotifyPolicy.STATE_CHANGES);
    publish(task.created());
    publish(task.moveTo(TaskStatus.RUNNING));
    publish(task.progress("Read 3 of 10 files", Duration.ofSeconds(1)));
    publish(task.progress("Read 5 of 10 files", Duration.ofSeconds(2)));
    publish(task.progress("Read 9 of 10 files", Duration.ofSeconds(15)));
    TaskLifecycleEvent done = task.finish(TaskStatus.FAILED, "Could not open file 10.");
    publish(done);

    awaitReport(done.id());
    List<JsonNode> messages = inbox(session);
    assertThat(messages)
        .extracting(m -> m.path("text").asString().lines().skip(1).findFirst().orElseThrow())
        .containsExactly("Queued", "Running", "In progress", "In progress", "Failed");
    assertThat(messages.get(2).path("text").asString()).contains("Read 3 of 10 files");
    assertThat(messages.get(3).path("text").asString()).contains("Read 9 of 10 files");
  }

  @Test
  void silentDeliversNothingAndReportsNotApplicable() {
    String session = newSession();
    var task = new Task(session, NotifyPolicy.SILENT);
    publish(task.created());
    publish(task.moveTo(TaskStatus.RUNNING));
    TaskLifecycleEvent done =
        task.finish(TaskStatus.SUCCEEDED, "Nightly cleanup removed 40 files.");
    publish(done);

    var report = awaitReport(done.id());
    assertThat(report.outcome()).isEqualTo(DeliveryStatus.NOT_APPLICABLE);
    assertThat(inbox(session)).isEmpty();
  }

  @Test
  void aPolicyChangeMidTaskAppliesFromTheNextEventOn() {
    String session = newSession();
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    publish(task.created());
    publish(task.moveTo(TaskStatus.RUNNING));
    publish(task.changePolicy(NotifyPolicy.STATE_CHANGES));
    publish(task.moveTo(TaskStatus.PAUSED));
    publish(task.moveTo(TaskStatus.RUNNING));
    publish(task.changePolicy(NotifyPolicy.SILENT));
    TaskLifecycleEvent done = task.finish(TaskStatus.SUCCEEDED, "All good.");
    publish(done);

    assertThat(awaitReport(done.id()).outcome()).isEqualTo(DeliveryStatus.NOT_APPLICABLE);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(inbox(session))
                    .extracting(m -> m.path("status").asString())
                    .containsExactly("paused", "running"));
  }
}

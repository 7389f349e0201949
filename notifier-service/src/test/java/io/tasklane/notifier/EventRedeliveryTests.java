package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import org.junit.jupiter.api.Test;

class EventRedeliveryTests extends NotifierIntegrationTest {

  @Test
  void aRedeliveredEventReachesEveryChannelOnce() throws Exception {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    TaskLifecycleEvent done = task.finish(TaskStatus.SUCCEEDED, "Sent once.");
    publish(done);
    awaitReport(done.id());

    publish(done);
    publish(done);
    TaskLifecycleEvent marker =
        new Task(session, NotifyPolicy.DONE_ONLY).finish(TaskStatus.FAILED, "Later event.");
    publish(marker);
    awaitReport(marker.id());
    Thread.sleep(500);

    assertThat(telegram.delivered(chat))
        .filteredOn(m -> m.visibleText().contains("Sent once."))
        .hasSize(1);
    assertThat(inbox(session))
        .filteredOn(m -> m.path("eventId").asString().equals(done.id().toString()))
        .hasSize(1);
    assertThat(reportsFor(done.id()))
        .extracting(DeliveryReport::channel, DeliveryReport::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                DeliveryChannel.TELEGRAM, DeliveryStatus.DELIVERED));
  }
}

package io.tasklane.notifier.delivery;

import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.Topics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

@Component
class LifecycleEventListener {

  private final NotificationIntake intake;
  private final JsonMapper json;

  LifecycleEventListener(NotificationIntake intake, JsonMapper json) {
    this.intake = intake;
    this.json = json;
  }

  @KafkaListener(id = "notifier-lifecycle", topics = Topics.TASK_LIFECYCLE)
  void onEvent(String payload) {
    intake.accept(json.readValue(payload, TaskLifecycleEvent.class));
  }
}

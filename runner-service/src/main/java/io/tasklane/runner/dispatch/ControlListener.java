package io.tasklane.runner.dispatch;

import io.tasklane.contracts.TaskControl;
import io.tasklane.contracts.Topics;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.agent.RunningTasks;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operator instructions. Every runner reads every control message (a consumer group of its own) and
 * acts only on the attempt it holds.
 */
@Component
class ControlListener {

  static final String CONTROL_LISTENER = "tasklane-control";

  private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

  private final RunningTasks tasks;
  private final JsonMapper json;
  private final String groupId;

  ControlListener(RunningTasks tasks, JsonMapper json, RunnerProperties properties) {
    this.tasks = tasks;
    this.json = json;
    this.groupId = "runner-control-" + properties.runnerId();
  }

  public String getGroupId() {
    return groupId;
  }

  @KafkaListener(
      id = CONTROL_LISTENER,
      topics = Topics.TASK_CONTROL,
      groupId = "#{__listener.groupId}",
      properties = {"auto.offset.reset=latest"})
  void onControl(ConsumerRecord<String, String> record, Acknowledgment ack) {
    try {
      tasks.control(json.readValue(record.value(), TaskControl.class));
    } catch (JacksonException e) {
      log.error(
          "Ignoring unreadable control record at offset {}: {}",
          record.offset(),
          e.getOriginalMessage());
    }
    ack.acknowledge();
  }
}

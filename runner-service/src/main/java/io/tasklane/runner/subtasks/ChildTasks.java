package io.tasklane.runner.subtasks;

import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.Topics;
import io.tasklane.runner.RunnerProperties;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parents waiting for their children. The ledger's lifecycle events complete the waits: every
 * runner reads every event (a consumer group of its own) and acts only on the children its tasks
 * wait for.
 */
@Component
class ChildTasks {

  static final String LIFECYCLE_LISTENER = "tasklane-lifecycle";

  private static final Logger log = LoggerFactory.getLogger(ChildTasks.class);

  private final Map<UUID, CompletableFuture<ChildTask>> waits = new ConcurrentHashMap<>();
  private final JsonMapper json;
  private final String groupId;

  ChildTasks(JsonMapper json, RunnerProperties properties) {
    this.json = json;
    this.groupId = "runner-lifecycle-" + properties.runnerId();
  }

  public String getGroupId() {
    return groupId;
  }

  /** Completes when the child is seen settled; register before reading the child's state. */
  CompletableFuture<ChildTask> await(UUID childId) {
    return waits.computeIfAbsent(childId, id -> new CompletableFuture<>());
  }

  void forget(UUID childId) {
    waits.remove(childId);
  }

  /** Completes the wait for this child if it has settled. */
  void observed(ChildTask child) {
    if (child.settled()) {
      CompletableFuture<ChildTask> wait = waits.remove(child.taskId());
      if (wait != null) {
        wait.complete(child);
      }
    }
  }

  @KafkaListener(
      id = LIFECYCLE_LISTENER,
      topics = Topics.TASK_LIFECYCLE,
      groupId = "#{__listener.groupId}",
      properties = {"auto.offset.reset=latest"})
  void onLifecycle(ConsumerRecord<String, String> record, Acknowledgment ack) {
    if (!waits.isEmpty() && record.key() != null && waitsFor(record.key())) {
      try {
        TaskLifecycleEvent event = json.readValue(record.value(), TaskLifecycleEvent.class);
        if (event.data() != null) {
          observed(ChildTask.of(event.data()));
        }
      } catch (JacksonException e) {
        log.error(
            "Ignoring unreadable lifecycle record at offset {}: {}",
            record.offset(),
            e.getOriginalMessage());
      }
    }
    ack.acknowledge();
  }

  private boolean waitsFor(String key) {
    try {
      return waits.containsKey(UUID.fromString(key));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

package io.tasklane.runner.dispatch;

import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.Topics;
import io.tasklane.runner.agent.RunningTasks;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes dispatched tasks: claims each on the ledger, then acknowledges the record and runs the task
 * on its own thread. The record is only held for the claim, never while the task runs.
 */
@Component
class DispatchListener {

  private static final Logger log = LoggerFactory.getLogger(DispatchListener.class);
  private static final Duration REDELIVER_AFTER = Duration.ofSeconds(1);

  private final LedgerClient ledger;
  private final RunningTasks tasks;
  private final Slots slots;
  private final JsonMapper json;

  DispatchListener(LedgerClient ledger, RunningTasks tasks, Slots slots, JsonMapper json) {
    this.ledger = ledger;
    this.tasks = tasks;
    this.slots = slots;
    this.json = json;
  }

  @KafkaListener(
      id = Slots.DISPATCH_LISTENER,
      topics = Topics.TASK_DISPATCH,
      groupId = Topics.RUNNERS,
      properties = {"max.poll.records=1", "auto.offset.reset=earliest"})
  void onDispatch(ConsumerRecord<String, String> record, Acknowledgment ack) {
    TaskDispatch dispatch;
    try {
      dispatch = json.readValue(record.value(), TaskDispatch.class);
    } catch (JacksonException e) {
      log.error(
          "Dropping unreadable dispatch record at offset {}: {}",
          record.offset(),
          e.getOriginalMessage());
      ack.acknowledge();
      return;
    }
    if (tasks.holds(dispatch.taskId(), dispatch.attempt())) {
      ack.acknowledge();
      return;
    }
    if (!slots.tryTake()) {
      ack.nack(REDELIVER_AFTER);
      return;
    }
    try {
      switch (ledger.claim(dispatch.taskId(), dispatch.attempt())) {
        case LedgerClient.ClaimOutcome.Granted granted -> {
          ack.acknowledge();
          tasks.start(granted.task(), slots::release);
        }
        case LedgerClient.ClaimOutcome.Refused refused -> {
          log.info(
              "Task {} attempt {} not claimable ({}), dropping the dispatch",
              dispatch.taskId(),
              dispatch.attempt(),
              refused.status());
          slots.release();
          ack.acknowledge();
        }
      }
    } catch (RestClientException e) {
      log.warn(
          "Claim of task {} failed, the dispatch will be redelivered: {}",
          dispatch.taskId(),
          e.toString());
      slots.release();
      ack.nack(REDELIVER_AFTER);
    }
  }
}

package io.tasklane.runner.dispatch;

import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.Topics;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.agent.RunningTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * Takes dispatched tasks a poll at a time: claims them on the ledger in parallel, runs each granted
 * task on its own thread, then acknowledges the records. A record is only held for its claim, never
 * while the task runs.
 */
@Component
class DispatchListener {

  private static final Logger log = LoggerFactory.getLogger(DispatchListener.class);
  private static final Duration REDELIVER_AFTER = Duration.ofSeconds(1);

  private final LedgerClient ledger;
  private final RunningTasks tasks;
  private final Slots slots;
  private final JsonMapper json;
  private final int dispatchBatch;

  DispatchListener(
      LedgerClient ledger,
      RunningTasks tasks,
      Slots slots,
      JsonMapper json,
      RunnerProperties properties) {
    this.ledger = ledger;
    this.tasks = tasks;
    this.slots = slots;
    this.json = json;
    this.dispatchBatch = properties.dispatchBatch();
  }

  public int getDispatchBatch() {
    return dispatchBatch;
  }

  private record Attempt(UUID taskId, int attempt) {}

  @KafkaListener(
      id = Slots.DISPATCH_LISTENER,
      topics = Topics.TASK_DISPATCH,
      groupId = Topics.RUNNERS,
      batch = "true",
      properties = {"max.poll.records=#{__listener.dispatchBatch}", "auto.offset.reset=earliest"})
  void onDispatches(List<ConsumerRecord<String, String>> records, Acknowledgment ack) {
    // settled.get(i) is true once record i may be acknowledged; the first record that is not
    // settled (no slot, or its claim failed) is redelivered together with every record after it
    List<Future<Boolean>> settled = new ArrayList<>();
    Set<Attempt> seen = new HashSet<>();
    try (ExecutorService claims = Executors.newVirtualThreadPerTaskExecutor()) {
      for (ConsumerRecord<String, String> record : records) {
        TaskDispatch dispatch = read(record);
        // a repeated dispatch of an attempt in the same poll is settled by the first one: claimed
        // together, both would ask the ledger for the same attempt
        if (dispatch == null
            || !seen.add(new Attempt(dispatch.taskId(), dispatch.attempt()))
            || tasks.holds(dispatch.taskId(), dispatch.attempt())) {
          settled.add(CompletableFuture.completedFuture(true));
          continue;
        }
        if (!slots.tryTake()) {
          break;
        }
        settled.add(claims.submit(() -> claimAndStart(dispatch)));
      }
    }
    int redeliverFrom = 0;
    while (redeliverFrom < settled.size() && settled.get(redeliverFrom).resultNow()) {
      redeliverFrom++;
    }
    if (redeliverFrom == records.size()) {
      ack.acknowledge();
    } else {
      // a task claimed after this point is already running here when its record comes back, so
      // tasks.holds acknowledges it then; one that has ended by then is refused by the ledger
      ack.nack(redeliverFrom, REDELIVER_AFTER);
    }
  }

  private TaskDispatch read(ConsumerRecord<String, String> record) {
    try {
      return json.readValue(record.value(), TaskDispatch.class);
    } catch (JacksonException e) {
      log.error(
          "Dropping unreadable dispatch record at offset {}: {}",
          record.offset(),
          e.getOriginalMessage());
      return null;
    }
  }

  /**
   * Claims the dispatched attempt in the slot already taken for it; a granted task starts at once
   * rather than after the slowest claim of the poll. True when the record may be acknowledged.
   */
  private boolean claimAndStart(TaskDispatch dispatch) {
    try {
      switch (ledger.claim(dispatch.taskId(), dispatch.attempt())) {
        case LedgerClient.ClaimOutcome.Granted granted -> {
          tasks.start(granted.task(), slots::release);
          return true;
        }
        case LedgerClient.ClaimOutcome.Refused refused -> {
          log.info(
              "Task {} attempt {} not claimable ({}), dropping the dispatch",
              dispatch.taskId(),
              dispatch.attempt(),
              refused.status());
          slots.release();
          return true;
        }
      }
    } catch (RestClientException e) {
      log.warn(
          "Claim of task {} failed, the dispatch will be redelivered: {}",
          dispatch.taskId(),
          e.toString());
      slots.release();
      return false;
    }
  }
}

package io.tasklane.bench;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.testsupport.RunnerReportReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** How each task ended, read from the runner's reports as the ledger would read them. */
final class RunnerReports implements AutoCloseable {

  /** A task's end and when the harness saw it. */
  record End(TaskStatus outcome, long seenNanos) {}

  private final Map<UUID, End> ends = new ConcurrentHashMap<>();
  private final RunnerReportReader reader;

  RunnerReports(String bootstrap) {
    reader = RunnerReportReader.start(bootstrap, this::record);
  }

  private void record(RunnerReport report) {
    TaskStatus outcome =
        switch (report) {
          case RunnerReport.Finished f -> f.outcome();
          case RunnerReport.NeedsAssistance n -> TaskStatus.NEEDS_ASSISTANCE;
          case RunnerReport.Paused p -> TaskStatus.PAUSED;
          default -> null;
        };
    if (outcome != null) {
      ends.putIfAbsent(report.taskId(), new End(outcome, System.nanoTime()));
    }
  }

  End end(UUID taskId) {
    return ends.get(taskId);
  }

  /** Waits until every task has ended, or the limit passes; returns how many ended. */
  long awaitEnds(List<UUID> tasks, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    long ended = 0;
    while (System.nanoTime() < deadline) {
      ended = tasks.stream().filter(ends::containsKey).count();
      if (ended == tasks.size()) {
        break;
      }
      Thread.sleep(20);
    }
    return ended;
  }

  @Override
  public void close() throws InterruptedException {
    reader.close();
  }
}

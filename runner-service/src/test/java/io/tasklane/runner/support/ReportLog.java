package io.tasklane.runner.support;

import static org.assertj.core.api.Assertions.fail;

import io.tasklane.contracts.RunnerReport;
import io.tasklane.testsupport.RunnerReportReader;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Every runner report on the broker since the log started, read as the ledger reads them. */
public final class ReportLog {

  private final List<RunnerReport> reports = new CopyOnWriteArrayList<>();

  private ReportLog(String bootstrap) {
    RunnerReportReader.start(bootstrap, reports::add);
  }

  public static ReportLog start(String bootstrap) {
    return new ReportLog(bootstrap);
  }

  public List<RunnerReport> of(UUID taskId) {
    return reports.stream().filter(r -> r.taskId().equals(taskId)).toList();
  }

  public <T extends RunnerReport> List<T> of(UUID taskId, Class<T> type) {
    return of(taskId).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Waits (up to a generous limit) for a report of the task matching {@code condition}. */
  public <T extends RunnerReport> T await(UUID taskId, Class<T> type, Predicate<T> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (T report : of(taskId, type)) {
        if (condition.test(report)) {
          return report;
        }
      }
      sleep(50);
    }
    return fail("No %s for task %s; reports: %s", type.getSimpleName(), taskId, of(taskId));
  }

  public <T extends RunnerReport> T await(UUID taskId, Class<T> type) {
    return await(taskId, type, r -> true);
  }

  /**
   * Waits for the report that ends the run on this runner: finished, paused or needs assistance.
   */
  public RunnerReport awaitEnd(UUID taskId) {
    return awaitEnd(taskId, 1);
  }

  public RunnerReport awaitEnd(UUID taskId, int attempt) {
    return await(
        taskId,
        RunnerReport.class,
        r ->
            r.attempt() == attempt
                && (r instanceof RunnerReport.Finished
                    || r instanceof RunnerReport.Paused
                    || r instanceof RunnerReport.NeedsAssistance));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

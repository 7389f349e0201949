package io.tasklane.runner.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import io.tasklane.contracts.VerdictSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Publishes a run's reports to the ledger, keyed by task id, each with a fresh report id. */
@Component
class Reporter {

  private static final Logger log = LoggerFactory.getLogger(Reporter.class);
  private static final Duration TERMINAL_SEND_WAIT = Duration.ofSeconds(15);
  private static final int SEND_ATTEMPTS = 5;
  private static final int REPORTED_CALL_CHARS = 16 * 1024;

  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;
  private final MeterRegistry meters;
  private final Map<UUID, Long> lastSent = new ConcurrentHashMap<>();

  Reporter(KafkaTemplate<String, String> kafka, JsonMapper json, MeterRegistry meters) {
    this.kafka = kafka;
    this.json = json;
    this.meters = meters;
  }

  void planProposed(TaskRun run, List<PlanStep> plan) {
    send(new RunnerReport.PlanProposed(header(run), plan), false);
  }

  void stepStarted(TaskRun run, int step) {
    send(new RunnerReport.StepStarted(header(run), step), false);
  }

  void toolCalled(
      TaskRun run,
      int step,
      String callId,
      String tool,
      String arguments,
      String result,
      boolean error,
      long millis) {
    send(
        new RunnerReport.ToolCalled(
            header(run),
            step,
            callId,
            Prompts.truncate(tool, 200),
            Prompts.truncate(arguments, REPORTED_CALL_CHARS),
            Prompts.truncate(result, REPORTED_CALL_CHARS),
            error,
            millis),
        false);
  }

  void verdict(
      TaskRun run,
      int step,
      boolean passed,
      String reason,
      String verifierModel,
      VerdictSource decidedBy,
      String answer) {
    send(
        new RunnerReport.StepVerdict(
            header(run),
            step,
            passed,
            reason,
            verifierModel,
            run.resumeContext(),
            decidedBy,
            answer),
        true);
  }

  /** A verified step, as progress the requester may be told about. */
  void stepVerified(TaskRun run, int step) {
    progress(
        run,
        "Step %d of %d verified: %s"
            .formatted(step + 1, run.plan.size(), brief(run.plan.get(step).description())));
  }

  /** Where a long step is; the caller sends this at most once per progress interval. */
  void stillWorking(TaskRun run, int step, int round) {
    progress(
        run,
        "Step %d of %d in progress (model round %d): %s"
            .formatted(step + 1, run.plan.size(), round, brief(run.plan.get(step).description())));
  }

  private void progress(TaskRun run, String summary) {
    run.progressReported();
    send(new RunnerReport.Progress(header(run), summary), false);
  }

  private static String brief(String text) {
    String line = text == null ? "" : text.strip().replaceAll("\\s+", " ");
    return line.length() <= 200 ? line : line.substring(0, 199) + "…";
  }

  /**
   * Extends the run's lease, unless another report of the run left within {@code interval}: the
   * ledger takes any report of the claim holder as a sign of life, so a busy task costs no extra
   * messages.
   */
  void heartbeat(TaskRun run, Duration lease, Duration interval) {
    Long sent = lastSent.get(run.task.taskId());
    if (sent != null && System.nanoTime() - sent < interval.toNanos()) {
      return;
    }
    send(new RunnerReport.Heartbeat(header(run), (int) lease.toSeconds()), false);
  }

  void paused(TaskRun run, String reason) {
    count("paused");
    send(new RunnerReport.Paused(header(run), reason, run.resumeContext()), true);
  }

  void needsAssistance(TaskRun run, String reason) {
    count("needs_assistance");
    send(new RunnerReport.NeedsAssistance(header(run), reason, run.resumeContext()), true);
  }

  void handedBack(TaskRun run, String reason) {
    count("handed_back");
    send(new RunnerReport.HandedBack(header(run), reason, run.resumeContext()), true);
  }

  void finished(TaskRun run, TaskStatus outcome, String summary, String error) {
    count(outcome.wire());
    ResumeContext context = run.resumeContext();
    send(new RunnerReport.Finished(header(run), outcome, summary, error, context), true);
  }

  private void count(String outcome) {
    meters.counter("tasklane.runner.tasks.ended", "outcome", outcome).increment();
  }

  /** The run has ended here: nothing more is sent for it. */
  void forget(UUID taskId) {
    lastSent.remove(taskId);
  }

  /**
   * Publishes a report. Reports that carry a verdict or an outcome wait for the broker and are sent
   * again when it did not take them; the ledger applies each report id once, so a repeat is safe.
   */
  private void send(RunnerReport report, boolean waitForBroker) {
    if (!(report instanceof RunnerReport.Heartbeat)) {
      lastSent.put(report.taskId(), System.nanoTime());
    }
    String payload = json.writeValueAsString(report);
    if (!waitForBroker) {
      kafka.send(Topics.RUNNER_REPORTS, report.taskId().toString(), payload);
      return;
    }
    for (int attempt = 1; attempt <= SEND_ATTEMPTS; attempt++) {
      try {
        kafka
            .send(Topics.RUNNER_REPORTS, report.taskId().toString(), payload)
            .get(TERMINAL_SEND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (InterruptedException e) {
        // a cancel must not cost the outcome: finish the send, then keep the interrupt
        Thread.interrupted();
        try {
          kafka
              .send(Topics.RUNNER_REPORTS, report.taskId().toString(), payload)
              .get(TERMINAL_SEND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (Exception again) {
          log.error(
              "Report {} for task {} may not have reached the broker",
              report.getClass().getSimpleName(),
              report.taskId(),
              again);
          return;
        } finally {
          Thread.currentThread().interrupt();
        }
      } catch (Exception e) {
        meters
            .counter("tasklane.runner.reports.send_failures", "report", reportType(report))
            .increment();
        log.warn(
            "Report {} for task {} was not taken by the broker (attempt {} of {}): {}",
            report.getClass().getSimpleName(),
            report.taskId(),
            attempt,
            SEND_ATTEMPTS,
            e.toString());
      }
    }
    log.error(
        "Report {} for task {} did not reach the broker after {} attempts",
        report.getClass().getSimpleName(),
        report.taskId(),
        SEND_ATTEMPTS);
  }

  private static String reportType(RunnerReport report) {
    return report.getClass().getSimpleName();
  }

  private static RunnerReport.Header header(TaskRun run) {
    return new RunnerReport.Header(
        UUID.randomUUID(),
        run.task.taskId(),
        run.task.tenant(),
        run.task.attempt(),
        run.runnerId,
        Instant.now());
  }
}

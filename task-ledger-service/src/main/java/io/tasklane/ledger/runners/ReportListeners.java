package io.tasklane.ledger.runners;

import io.tasklane.contracts.DeliveryReport;
import io.tasklane.contracts.RunnerReport;
import io.tasklane.contracts.Topics;
import io.tasklane.ledger.tasks.RunnerSide;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Applies what runners and the notifier report. Unreadable records are logged and skipped. */
@Component
class ReportListeners {

  private static final Logger log = LoggerFactory.getLogger(ReportListeners.class);

  /** A JSON {@code \\u0000} escape, not one whose backslash is itself escaped. */
  private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

  private final RunnerSide runnerSide;
  private final ReportLag reportLag;
  private final JsonMapper json;

  ReportListeners(RunnerSide runnerSide, ReportLag reportLag, JsonMapper json) {
    this.runnerSide = runnerSide;
    this.reportLag = reportLag;
    this.json = json;
  }

  // one consumer per partition of the default three: heartbeats must not queue up behind one
  // thread's backlog long enough for a lease to run out (order is kept within a partition).
  // A poll's reports are applied together: a backlog costs one transaction per poll, not per report
  @KafkaListener(
      topics = Topics.RUNNER_REPORTS,
      groupId = "${tasklane.ledger.consumer-group:task-ledger}",
      concurrency = "${tasklane.ledger.report-consumers:3}",
      containerFactory = ReportConsumers.BATCH_FACTORY)
  void onRunnerReports(List<String> payloads) {
    List<RunnerReport> reports = new ArrayList<>(payloads.size());
    List<Integer> positions = new ArrayList<>(payloads.size());
    for (int i = 0; i < payloads.size(); i++) {
      try {
        reports.add(json.readValue(withoutNul(payloads.get(i)), RunnerReport.class));
        positions.add(i);
      } catch (JacksonException e) {
        log.warn("Skipped unreadable runner report: {}", e.getOriginalMessage());
      }
    }
    reports.forEach(report -> reportLag.applied(report.at()));
    try {
      runnerSide.applyBatch(reports);
    } catch (RuntimeException batchFailure) {
      log.info(
          "A batch of {} runner reports was rolled back ({}); applying them one by one",
          reports.size(),
          batchFailure.toString());
      for (int i = 0; i < reports.size(); i++) {
        try {
          runnerSide.apply(reports.get(i));
        } catch (RuntimeException e) {
          // the reports before it are applied and committed; this one and the rest are retried
          // from the broker, as a single record would be
          throw new BatchListenerFailedException(
              "Runner report could not be applied", e, positions.get(i));
        }
      }
    }
  }

  @KafkaListener(
      topics = Topics.DELIVERY_REPORTS,
      groupId = "${tasklane.ledger.consumer-group:task-ledger}")
  void onDeliveryReport(String payload) {
    DeliveryReport report;
    try {
      report = json.readValue(payload, DeliveryReport.class);
    } catch (JacksonException e) {
      log.warn("Skipped unreadable delivery report: {}", e.getOriginalMessage());
      return;
    }
    runnerSide.apply(report);
  }

  /**
   * Model output may contain NUL characters, which PostgreSQL stores in neither text nor jsonb.
   * They become U+FFFD, so such a report is applied instead of failing on every redelivery.
   */
  private static String withoutNul(String payload) {
    if (!payload.contains("\\u0000")) {
      return payload;
    }
    return NUL_ESCAPE.matcher(payload).replaceAll("$1\\\\ufffd");
  }
}

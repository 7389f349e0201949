package io.tasklane.ledger.cron;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.Runtime;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.tasks.CreateTaskRequest;
import io.tasklane.ledger.tasks.TaskLedger;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fires due cron jobs, exactly once across ledger replicas: a due job is claimed with {@code FOR
 * UPDATE SKIP LOCKED}, and its task and its next firing time commit in that one transaction. The
 * next time is computed from now, so firings missed while no ledger ran collapse into one.
 */
@Component
class CronFirings {

  private static final Logger log = LoggerFactory.getLogger(CronFirings.class);

  private final JdbcClient jdbc;
  private final TaskLedger tasks;
  private final TransactionTemplate tx;
  private final JsonMapper json;
  private final LedgerProperties.Cron settings;
  private final MeterRegistry meters;
  private final Clock clock;

  CronFirings(
      JdbcClient jdbc,
      TaskLedger tasks,
      TransactionTemplate tx,
      JsonMapper json,
      LedgerProperties properties,
      MeterRegistry meters,
      Clock clock) {
    this.jdbc = jdbc;
    this.tasks = tasks;
    this.tx = tx;
    this.json = json;
    this.settings = properties.cron();
    this.meters = meters;
    this.clock = clock;
  }

  record DueJob(
      UUID cronJobId,
      String tenant,
      String name,
      String cronExpression,
      String timeZone,
      String template,
      Instant nextFireAt) {}

  @Scheduled(fixedDelayString = "${tasklane.ledger.cron.poll-interval}")
  void fireDueJobs() {
    if (!settings.enabled()) {
      return;
    }
    for (int i = 0; i < settings.batchSize(); i++) {
      try {
        if (!fireOne()) {
          return;
        }
      } catch (RuntimeException e) {
        log.warn("Cron firing failed; retrying on the next poll: {}", e.getMessage());
        return;
      }
    }
  }

  /** Fires the most overdue job nobody else is firing; false when none is due. */
  boolean fireOne() {
    Boolean fired =
        tx.execute(
            status -> {
              Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
              Optional<DueJob> due =
                  jdbc.sql(
                          """
                          select cron_job_id, tenant, name, cron_expression, time_zone,
                                 template::text as template, next_fire_at
                          from cron_jobs where enabled and next_fire_at <= :now
                          order by next_fire_at limit 1 for update skip locked
                          """)
                      .param("now", Timestamp.from(now))
                      .query(
                          (rs, i) ->
                              new DueJob(
                                  rs.getObject("cron_job_id", UUID.class),
                                  rs.getString("tenant"),
                                  rs.getString("name"),
                                  rs.getString("cron_expression"),
                                  rs.getString("time_zone"),
                                  rs.getString("template"),
                                  rs.getTimestamp("next_fire_at").toInstant()))
                      .optional();
              if (due.isEmpty()) {
                return false;
              }
              fire(due.get(), now);
              return true;
            });
    return Boolean.TRUE.equals(fired);
  }

  private void fire(DueJob job, Instant now) {
    Instant next = Schedules.next(job.cronExpression(), job.timeZone(), now);
    UUID taskId = null;
    String outcome = "created";
    try {
      taskId = tasks.create(job.tenant(), request(job), firingKey(job)).task().taskId();
    } catch (RuntimeException e) {
      // A template the ledger no longer accepts must not stall the job: skip this firing.
      log.warn("Cron job {} could not record its task: {}", job.cronJobId(), e.getMessage());
      outcome = "failed";
    }
    jdbc.sql(
            """
            update cron_jobs set next_fire_at = :next, last_fired_at = :now,
              last_task_id = coalesce(:taskId, last_task_id), firings = firings + 1
            where cron_job_id = :id
            """)
        .param("next", next == null ? null : Timestamp.from(next))
        .param("now", Timestamp.from(now))
        .param("taskId", taskId)
        .param("id", job.cronJobId())
        .update();
    Counter.builder("tasklane.cron.firings")
        .description("Cron job firings")
        .tag("outcome", outcome)
        .register(meters)
        .increment();
  }

  private CreateTaskRequest request(DueJob job) {
    var template = json.readValue(job.template(), CronJobRequest.TaskTemplate.class);
    Map<String, String> metadata = new LinkedHashMap<>();
    if (template.metadata() != null) {
      metadata.putAll(template.metadata());
    }
    metadata.put("cronJobId", job.cronJobId().toString());
    metadata.put("cronJobName", job.name());
    metadata.put("scheduledFor", job.nextFireAt().toString());
    return new CreateTaskRequest(
        template.goal(),
        template.label() == null ? job.name() : template.label(),
        Runtime.CRON,
        Executor.RUNNER,
        template.notifyPolicy(),
        null,
        null,
        null,
        null,
        null,
        template.plan(),
        template.modelOptions(),
        null,
        metadata);
  }

  private static String firingKey(DueJob job) {
    return "cron:" + job.cronJobId() + ":" + job.nextFireAt().toEpochMilli();
  }
}

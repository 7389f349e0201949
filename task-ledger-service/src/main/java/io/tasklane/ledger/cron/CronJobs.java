package io.tasklane.ledger.cron;

import io.tasklane.ledger.api.InvalidRequestException;
import io.tasklane.ledger.api.LedgerProblem;
import io.tasklane.ledger.budgets.TaskBudgets;
import io.tasklane.ledger.tasks.ToolChoice;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** Cron job definitions of a tenant. Changing or enabling a job schedules it from now on. */
@Service
class CronJobs {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  CronJobs(JdbcClient jdbc, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  CronJobView create(String tenant, CronJobRequest request) {
    ToolChoice.check(request.task().modelOptions(), "task.modelOptions");
    TaskBudgets.problem(request.task().modelOptions(), "task.modelOptions")
        .ifPresent(
            problem -> {
              throw new InvalidRequestException(problem.field(), problem.message());
            });
    Instant now = now();
    UUID id = UUID.randomUUID();
    boolean enabled = request.enabled() == null || request.enabled();
    String zone = Schedules.zone(request.timeZone()).getId();
    Instant next = Schedules.next(request.cronExpression(), zone, now);
    try {
      jdbc.sql(
              """
              insert into cron_jobs (cron_job_id, tenant, name, cron_expression, time_zone,
                enabled, template, next_fire_at, revision, created_at, updated_at)
              values (:id, :tenant, :name, :expression, :zone, :enabled, :template::jsonb,
                :next, 0, :now, :now)
              """)
          .param("id", id)
          .param("tenant", tenant)
          .param("name", request.name())
          .param("expression", request.cronExpression().trim())
          .param("zone", zone)
          .param("enabled", enabled)
          .param("template", json.writeValueAsString(request.task()))
          .param("next", next == null ? null : Timestamp.from(next))
          .param("now", Timestamp.from(now))
          .update();
    } catch (DuplicateKeyException e) {
      throw nameTaken(request.name());
    }
    return get(tenant, id);
  }

  List<CronJobView> list(String tenant) {
    return jdbc.sql("select * from cron_jobs where tenant = :tenant order by name limit 1000")
        .param("tenant", tenant)
        .query(this::view)
        .list();
  }

  CronJobView get(String tenant, UUID id) {
    return jdbc.sql("select * from cron_jobs where tenant = :tenant and cron_job_id = :id")
        .param("tenant", tenant)
        .param("id", id)
        .query(this::view)
        .optional()
        .orElseThrow(() -> notFound(id));
  }

  CronJobView update(String tenant, UUID id, CronJobRequest request) {
    ToolChoice.check(request.task().modelOptions(), "task.modelOptions");
    TaskBudgets.problem(request.task().modelOptions(), "task.modelOptions")
        .ifPresent(
            problem -> {
              throw new InvalidRequestException(problem.field(), problem.message());
            });
    Instant now = now();
    String zone = Schedules.zone(request.timeZone()).getId();
    Instant next = Schedules.next(request.cronExpression(), zone, now);
    int updated;
    try {
      updated =
          jdbc.sql(
                  """
                  update cron_jobs set name = :name, cron_expression = :expression,
                    time_zone = :zone, enabled = coalesce(:enabled, enabled),
                    template = :template::jsonb, next_fire_at = :next,
                    revision = revision + 1, updated_at = :now
                  where tenant = :tenant and cron_job_id = :id
                  """)
              .param("tenant", tenant)
              .param("id", id)
              .param("name", request.name())
              .param("expression", request.cronExpression().trim())
              .param("zone", zone)
              .param("enabled", request.enabled())
              .param("template", json.writeValueAsString(request.task()))
              .param("next", next == null ? null : Timestamp.from(next))
              .param("now", Timestamp.from(now))
              .update();
    } catch (DuplicateKeyException e) {
      throw nameTaken(request.name());
    }
    if (updated == 0) {
      throw notFound(id);
    }
    return get(tenant, id);
  }

  /** Enabling schedules the next firing from now: time spent disabled is not caught up. */
  CronJobView setEnabled(String tenant, UUID id, boolean enabled) {
    CronJobView job = get(tenant, id);
    if (job.enabled() == enabled) {
      return job;
    }
    Instant now = now();
    Instant next = Schedules.next(job.cronExpression(), job.timeZone(), now);
    jdbc.sql(
            """
            update cron_jobs set enabled = :enabled, next_fire_at = :next,
              revision = revision + 1, updated_at = :now
            where tenant = :tenant and cron_job_id = :id
            """)
        .param("tenant", tenant)
        .param("id", id)
        .param("enabled", enabled)
        .param("next", next == null ? null : Timestamp.from(next))
        .param("now", Timestamp.from(now))
        .update();
    return get(tenant, id);
  }

  void delete(String tenant, UUID id) {
    int deleted =
        jdbc.sql("delete from cron_jobs where tenant = :tenant and cron_job_id = :id")
            .param("tenant", tenant)
            .param("id", id)
            .update();
    if (deleted == 0) {
      throw notFound(id);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private CronJobView view(ResultSet rs, int row) throws SQLException {
    return new CronJobView(
        rs.getObject("cron_job_id", UUID.class),
        rs.getString("name"),
        rs.getString("cron_expression"),
        rs.getString("time_zone"),
        rs.getBoolean("enabled"),
        json.readValue(rs.getString("template"), CronJobRequest.TaskTemplate.class),
        instant(rs, "next_fire_at"),
        instant(rs, "last_fired_at"),
        rs.getObject("last_task_id", UUID.class),
        rs.getLong("firings"),
        rs.getLong("revision"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private static LedgerProblem notFound(UUID id) {
    return new LedgerProblem(
        LedgerProblem.Kind.NOT_FOUND,
        "cron-job-not-found",
        "Cron job not found",
        "No cron job " + id);
  }

  private static LedgerProblem nameTaken(String name) {
    return new LedgerProblem(
        LedgerProblem.Kind.CONFLICT,
        "cron-job-exists",
        "Cron job exists",
        "A cron job named '%s' already exists".formatted(name));
  }
}

package io.tasklane.ledger.cron;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/** A cron job as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CronJobView(
    UUID cronJobId,
    String name,
    String cronExpression,
    String timeZone,
    boolean enabled,
    CronJobRequest.TaskTemplate task,
    Instant nextFireAt,
    Instant lastFiredAt,
    UUID lastTaskId,
    long firings,
    long revision,
    Instant createdAt,
    Instant updatedAt) {}

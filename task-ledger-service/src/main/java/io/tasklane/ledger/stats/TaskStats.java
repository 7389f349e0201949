package io.tasklane.ledger.stats;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How a tenant's tasks stand now and what happened to them over the last hour: the board's chart.
 *
 * @param byStatus how many tasks are in each status now (statuses without tasks are absent)
 * @param bucketSeconds the width of each bucket of {@code lastHour}
 * @param lastHour oldest first; the last bucket ends now
 */
public record TaskStats(
    Instant at,
    Map<String, Long> byStatus,
    int bucketSeconds,
    List<Bucket> lastHour,
    Figures figures) {

  /** The tasks created in a bucket, and those that ended in it by how they ended. */
  public record Bucket(Instant start, long created, Map<String, Long> ended) {}

  /**
   * Over the last hour: how many tasks ended, per minute, and how long they took from start to end
   * and waited from creation to start. A figure is null while no task ended in the hour.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Figures(
      long ended,
      double endedPerMinute,
      Double medianRunSeconds,
      Double p95RunSeconds,
      Double medianQueueSeconds) {}
}

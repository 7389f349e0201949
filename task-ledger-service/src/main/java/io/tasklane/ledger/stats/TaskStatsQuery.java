package io.tasklane.ledger.stats;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The figures of {@link TaskStats}, straight from the tasks table. */
@Component
class TaskStatsQuery {

  static final Duration BUCKET = Duration.ofMinutes(5);
  static final int BUCKETS = 12;

  private final JdbcClient jdbc;

  TaskStatsQuery(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  TaskStats stats(String tenant, Instant now) {
    long width = BUCKET.toSeconds();
    Instant from =
        Instant.ofEpochSecond(now.getEpochSecond() / width * width)
            .minus(BUCKET.multipliedBy(BUCKETS - 1));
    Map<String, Long> byStatus = new TreeMap<>();
    jdbc.sql("select status, count(*) from tasks where tenant = :tenant group by status")
        .param("tenant", tenant)
        .query(
            rs -> {
              byStatus.put(rs.getString(1), rs.getLong(2));
            });
    long[] created = new long[BUCKETS];
    jdbc.sql(
            """
            select floor(extract(epoch from created_at - :from) / :width)::int, count(*)
            from tasks where tenant = :tenant and created_at >= :from group by 1
            """)
        .param("tenant", tenant)
        .param("from", Timestamp.from(from))
        .param("width", width)
        .query(
            rs -> {
              created[Math.min(rs.getInt(1), BUCKETS - 1)] += rs.getLong(2);
            });
    List<Map<String, Long>> ended = new ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      ended.add(new TreeMap<>());
    }
    jdbc.sql(
            """
            select floor(extract(epoch from ended_at - :from) / :width)::int, status, count(*)
            from tasks where tenant = :tenant and ended_at >= :from group by 1, 2
            """)
        .param("tenant", tenant)
        .param("from", Timestamp.from(from))
        .param("width", width)
        .query(
            rs -> {
              ended
                  .get(Math.min(rs.getInt(1), BUCKETS - 1))
                  .merge(rs.getString(2), rs.getLong(3), Long::sum);
            });
    List<TaskStats.Bucket> buckets = new ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      buckets.add(
          new TaskStats.Bucket(
              from.plus(BUCKET.multipliedBy(i)), created[i], new LinkedHashMap<>(ended.get(i))));
    }
    return new TaskStats(now, byStatus, (int) width, buckets, figures(tenant, now));
  }

  private TaskStats.Figures figures(String tenant, Instant now) {
    Instant hourAgo = now.minus(Duration.ofHours(1));
    return jdbc.sql(
            """
            select count(*),
                   percentile_cont(0.5) within group (order by extract(epoch from ended_at - started_at)),
                   percentile_cont(0.95) within group (order by extract(epoch from ended_at - started_at)),
                   percentile_cont(0.5) within group (order by extract(epoch from started_at - created_at))
            from tasks where tenant = :tenant and ended_at >= :from
            """)
        .param("tenant", tenant)
        .param("from", Timestamp.from(hourAgo))
        .query(
            (rs, row) ->
                new TaskStats.Figures(
                    rs.getLong(1),
                    Math.round(rs.getLong(1) / 60.0 * 100) / 100.0,
                    (Double) rs.getObject(2),
                    (Double) rs.getObject(3),
                    (Double) rs.getObject(4)))
        .single();
  }
}

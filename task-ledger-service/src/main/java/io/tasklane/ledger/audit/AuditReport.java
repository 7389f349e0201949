package io.tasklane.ledger.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Findings (at most the requested limit, most severe and oldest first) and a summary that counts
 * every finding, listed or not.
 */
public record AuditReport(Instant at, List<Finding> findings, Summary summary) {

  public record Summary(long total, Map<String, Long> byCode, Map<String, Long> bySeverity) {}

  /** How many findings carry {@code code} (task and flow codes of that name together). */
  public long count(String code) {
    return summary.byCode().getOrDefault(code, 0L);
  }
}

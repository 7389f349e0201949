package io.tasklane.ledger.maintenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tasklane.ledger.audit.AuditReport;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a maintenance pass did (apply) or would do (preview), with the audit before and after and,
 * for every audit code found, what maintenance does about it or why it leaves it alone.
 */
public record MaintenanceReport(
    Mode mode,
    Instant at,
    int reconciled,
    int recovered,
    int cleanupStamped,
    int pruned,
    List<Action> actions,
    List<Explanation> explanations,
    AuditReport auditBefore,
    AuditReport auditAfter) {

  public enum Mode {
    preview,
    apply
  }

  /** One decision: what is (or would be) done to which task or flow. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Action(String action, UUID taskId, UUID flowId, String detail) {}

  /** An audit code found, whether this maintenance fixes it, and how or why not. */
  public record Explanation(String code, long findings, boolean fixedByMaintenance, String how) {}
}

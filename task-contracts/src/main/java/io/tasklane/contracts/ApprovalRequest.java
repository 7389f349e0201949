package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A tool call that waits for an operator. The runner asks (decision null) in its {@code
 * needs_assistance} report's resume context; the ledger records the decision and hands the request
 * back in the resume context of the next claim, where an approved call runs exactly once.
 *
 * @param number the request's number within its task, from 1; a decision names it
 * @param callId the model's id for the call
 * @param tool the tool
 * @param arguments the arguments exactly as the model sent them
 * @param stepIndex the plan step the call belongs to
 * @param approvers who may decide; empty means any caller of the tenant allowed to change tasks
 * @param requestedAt when the runner stopped for it
 * @param deadline when it is decided by {@code onDeadline} if no one has
 * @param decision null while pending
 * @param decidedBy the caller who decided, or {@code deadline}
 * @param executed true once the runner has run the approved call (it never runs twice)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalRequest(
    int number,
    String callId,
    String tool,
    String arguments,
    int stepIndex,
    List<String> approvers,
    Instant requestedAt,
    Instant deadline,
    DeadlineAction onDeadline,
    ApprovalDecision decision,
    String decidedBy,
    Instant decidedAt,
    String comment,
    boolean executed) {

  /** The status reason of a task that waits for a decision. */
  public static final String REASON = "approval_required";

  public ApprovalRequest {
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
  }

  public boolean pending() {
    return decision == null;
  }
}

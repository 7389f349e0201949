package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The tool calls of a task that stop for an operator's decision ({@code modelOptions.approvals}).
 *
 * @param rules the calls that need approval
 * @param approvers the callers who may decide (API caller ids, {@code telegram:<user id>}); empty
 *     means any caller of the tenant allowed to change tasks
 * @param deadlineSeconds how long a request waits for a decision; null means the ledger's default
 * @param onDeadline what a request that reaches its deadline becomes; null means {@code deny}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApprovalPolicy(
    List<ApprovalRule> rules,
    List<String> approvers,
    Integer deadlineSeconds,
    DeadlineAction onDeadline) {

  public ApprovalPolicy {
    rules = rules == null ? List.of() : List.copyOf(rules);
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
  }
}

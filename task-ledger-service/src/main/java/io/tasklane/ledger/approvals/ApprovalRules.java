package io.tasklane.ledger.approvals;

import io.tasklane.contracts.ApprovalPolicy;
import io.tasklane.contracts.ApprovalRule;
import io.tasklane.contracts.ToolNames;
import java.util.Optional;

/** What a task's approval policy must look like for the ledger to accept it. */
public final class ApprovalRules {

  private ApprovalRules() {}

  /** A field of the request that breaks a rule, and why. */
  public record Problem(String field, String message) {}

  /** The first problem of {@code policy} (at {@code field}), if any. */
  public static Optional<Problem> problem(ApprovalPolicy policy, String field) {
    if (policy == null) {
      return Optional.empty();
    }
    if (policy.deadlineSeconds() != null && policy.deadlineSeconds() <= 0) {
      return problem(field + ".deadlineSeconds", "must be a positive number of seconds");
    }
    for (int i = 0; i < policy.approvers().size(); i++) {
      String approver = policy.approvers().get(i);
      if (approver == null || approver.isBlank()) {
        return problem(field + ".approvers[" + i + "]", "must name a caller");
      }
    }
    for (int i = 0; i < policy.rules().size(); i++) {
      String at = field + ".rules[" + i + "]";
      ApprovalRule rule = policy.rules().get(i);
      if (rule == null) {
        return problem(at, "must be a rule");
      }
      if (rule.tool() == null || !ToolNames.ALL.contains(rule.tool())) {
        return problem(
            at + ".tool",
            "must name one of the tools " + String.join(", ", ToolNames.ALL) + ": " + rule.tool());
      }
      if (rule.tool().equals(ToolNames.REQUEST_ASSISTANCE)) {
        return problem(at + ".tool", "request_assistance already waits for an operator");
      }
      if (!rule.allowedHosts().isEmpty() && !rule.tool().equals(ToolNames.HTTP_FETCH)) {
        return problem(at + ".allowedHosts", "only applies to http_fetch");
      }
      for (String host : rule.allowedHosts()) {
        if (host == null || host.isBlank() || host.contains("/")) {
          return problem(at + ".allowedHosts", "must be host names: " + host);
        }
      }
      if (rule.allowedPathPrefix() != null) {
        if (!rule.tool().equals(ToolNames.WRITE_FILE)) {
          return problem(at + ".allowedPathPrefix", "only applies to write_file");
        }
        if (rule.allowedPathPrefix().isBlank()) {
          return problem(at + ".allowedPathPrefix", "must not be blank");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Problem> problem(String field, String message) {
    return Optional.of(new Problem(field, field + " " + message));
  }
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Which calls of one tool wait for an operator's approval. A call needs approval unless one of the
 * exceptions covers it; a rule without exceptions holds every call of the tool.
 *
 * @param tool the tool's name ({@link ToolNames})
 * @param allowedHosts for {@code http_fetch}: hosts that need no approval (exact names, lower case)
 * @param allowedPathPrefix for {@code write_file}: paths under this prefix need no approval
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApprovalRule(String tool, List<String> allowedHosts, String allowedPathPrefix) {

  public ApprovalRule {
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
  }
}

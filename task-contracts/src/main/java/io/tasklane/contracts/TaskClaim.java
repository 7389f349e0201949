package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The runner's claim of a dispatched task on the ledger's internal API: a compare-and-set of {@code
 * queued -> running} for exactly {@code attempt}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskClaim(String runnerId, int attempt) {

  /** What a successful claim returns: everything the runner needs to execute or resume the task. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Granted(
      UUID taskId,
      String tenant,
      int attempt,
      String runId,
      String goal,
      String label,
      String childSessionKey,
      NotifyPolicy notifyPolicy,
      List<PlanStep> plan,
      int currentStep,
      ResumeContext resumeContext,
      ModelOptions modelOptions,
      Instant leaseExpiresAt,
      Map<String, String> metadata) {

    public Granted {
      plan = plan == null ? List.of() : List.copyOf(plan);
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }
}

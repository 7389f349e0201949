package io.tasklane.ledger.flows;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Request bodies of the flow API. */
final class FlowRequests {

  private FlowRequests() {}

  record Create(
      @NotBlank @Size(max = 20000) String goal,
      @Size(max = 200) String ownerKey,
      @Min(0) Integer currentStep,
      Map<String, Object> state) {}

  /** A change an orchestrator makes; applied only at {@code expectedRevision} (or If-Match). */
  record Update(Long expectedRevision, @Min(0) Integer currentStep, Map<String, Object> state) {}

  record Cancel(Long expectedRevision, @Size(max = 2000) String reason) {}
}

package io.tasklane.ledger.flows;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tasklane.contracts.FlowStatus;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A flow as the API shows it; {@code revision} is the value to send back in If-Match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlowView(
    UUID flowId,
    String ownerKey,
    String goal,
    FlowStatus status,
    long revision,
    int currentStep,
    UUID blockedTaskId,
    String blockedSummary,
    Map<String, Object> state,
    Instant cancelRequestedAt,
    Instant createdAt,
    Instant updatedAt,
    Instant endedAt) {}

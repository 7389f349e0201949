package io.tasklane.ledger.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tasklane.contracts.Severity;
import java.time.Instant;
import java.util.UUID;

/** One thing the audit found, about a task or about a flow. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(
    String code,
    Severity severity,
    String kind,
    UUID taskId,
    UUID flowId,
    Instant since,
    long ageSeconds,
    String detail) {}

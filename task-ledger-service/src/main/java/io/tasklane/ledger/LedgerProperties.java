package io.tasklane.ledger;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

@Validated
@ConfigurationProperties("tasklane.ledger")
public record LedgerProperties(
    @NotNull Duration lease,
    @Min(1024) long maxRequestBytes,
    @Valid @NotNull Limits limits,
    @Valid @NotNull Relay relay,
    @Valid @NotNull Events events,
    @Valid @NotNull Paging paging,
    @Valid @NotNull Recovery recovery,
    @Valid @NotNull Maintenance maintenance,
    @Valid @NotNull Audit audit,
    @Valid @NotNull Cron cron) {

  public record Limits(
      @Min(1) int goalChars,
      @Min(1) int labelChars,
      @Min(1) int planSteps,
      @Min(1) int stepChars,
      @Min(0) int metadataEntries,
      @Min(1) int metadataValueChars) {}

  public record Relay(@NotNull Duration interval, @Min(1) int batchSize) {}

  public record Events(
      @NotNull Duration pollInterval, @NotNull Duration sseTimeout, @NotNull Duration heartbeat) {}

  public record Paging(@Min(1) int defaultLimit, @Min(1) int maxLimit) {}

  /**
   * @param interval how often the lease pass looks for running tasks whose runner stopped
   *     heartbeating (far more often than a whole maintenance pass)
   * @param warmUp how long after the ledger starts the lease pass waits, so heartbeats that queued
   *     up while the ledger was away are applied before any lease is judged
   */
  public record Recovery(
      @NotNull Duration interval,
      @NotNull Duration warmUp,
      @NotNull Duration grace,
      @Min(0) int maxRecoveries,
      @NotNull Duration redispatchAfter,
      @Min(1) int batchSize,
      @Min(1) int parallelism,
      @NotNull Duration passBudget) {}

  public record Maintenance(
      boolean scheduled,
      @NotNull Duration interval,
      @NotNull Duration terminalRetention,
      @NotNull Duration lostRetention,
      @Min(1) int batchSize) {}

  public record Audit(
      @NotNull Duration staleQueued,
      @NotNull Duration staleRunning,
      @NotNull Duration missingCleanup,
      @NotNull Duration flowStaleRunning,
      @NotNull Duration flowStaleWaiting,
      @NotNull Duration flowStaleBlocked,
      @NotNull Duration cancelStuck,
      @NotNull Duration missingLinkedTasks,
      @NotNull Duration deliveryPending,
      @Min(1) int defaultLimit,
      @Min(1) int maxLimit) {}

  public record Cron(boolean enabled, @NotNull Duration pollInterval, @Min(1) int batchSize) {}
}

package io.tasklane.runner;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything a runner can be told, under {@code tasklane.runner}.
 *
 * @param runnerId how this instance names itself in claims and reports
 * @param ledgerUrl the ledger's base URL (claims and child tasks)
 * @param slots how many tasks this runner executes at once
 * @param dispatchBatch the most dispatch records taken in one poll; their claims run in parallel
 * @param heartbeatInterval how often a running task's lease is extended, from a thread of its own
 *     so long model calls never hold a heartbeat up
 * @param leaseDuration the lease each heartbeat asks for: several heartbeats, so a runner that
 *     misses a few (a GC pause, a slow broker) keeps its tasks
 * @param handBackWait how long a runner that shuts down lets each task reach its next safe point
 *     before it interrupts it; either way the task is handed back to the ledger
 * @param runTimeout the whole-run limit when a task sets none
 * @param maxRoundsPerStep model rounds per step attempt; an attempt that is still calling tools
 *     after them is NO
 * @param verificationRetries how many times a step is retried after a NO before needs_assistance
 * @param maxPlanSteps the most steps a plan may have
 * @param progressInterval the least time between two progress reports while one step runs long
 *     (every verified step is reported as well)
 */
@Validated
@ConfigurationProperties("tasklane.runner")
public record RunnerProperties(
    @NotBlank @DefaultValue("") String runnerId,
    @NotNull @DefaultValue("http://localhost:8081") URI ledgerUrl,
    @Min(1) @DefaultValue("4") int slots,
    @Min(1) @DefaultValue("50") int dispatchBatch,
    @NotNull @DefaultValue("2s") Duration heartbeatInterval,
    @NotNull @DefaultValue("6s") Duration leaseDuration,
    @NotNull @DefaultValue("5s") Duration handBackWait,
    @NotNull @DefaultValue("30m") Duration runTimeout,
    @Min(1) @DefaultValue("8") int maxRoundsPerStep,
    @Min(0) @DefaultValue("2") int verificationRetries,
    @Min(1) @DefaultValue("8") int maxPlanSteps,
    @NotNull @DefaultValue("60s") Duration progressInterval,
    @Valid @DefaultValue Models models,
    @Valid @DefaultValue Retry retry,
    @Valid @DefaultValue LoopGuard loopGuard,
    @Valid @DefaultValue Tools tools) {

  public RunnerProperties {
    if (runnerId == null || runnerId.isBlank()) {
      runnerId = "runner-" + UUID.randomUUID().toString().substring(0, 8);
    }
  }

  /**
   * The three model roles. Planner and verifier fall back to the executor when they set no model.
   */
  public record Models(
      @Valid @DefaultValue Endpoint executor,
      @Valid Endpoint planner,
      @Valid Endpoint verifier,
      @NotNull @DefaultValue("120s") Duration roundTimeout,
      @NotNull @DefaultValue("10m") Duration httpTimeout,
      @NotNull @DefaultValue("5s") Duration connectTimeout,
      @Min(1) @DefaultValue("2") int maxConcurrentRequestsPerEndpoint) {

    public Endpoint plannerOrExecutor() {
      return planner == null ? executor : planner;
    }

    public Endpoint verifierOrExecutor() {
      return verifier == null ? executor : verifier;
    }
  }

  /**
   * One model endpoint.
   *
   * @param provider ollama or openai (any OpenAI-compatible server)
   * @param baseUrl for OpenAI-compatible servers including the {@code /v1} suffix
   * @param apiKey sent as a bearer token to OpenAI-compatible servers
   */
  public record Endpoint(
      @NotNull @DefaultValue("ollama") Provider provider,
      @NotBlank @DefaultValue("http://localhost:11434") String baseUrl,
      @NotBlank @DefaultValue("qwen3:4b") String model,
      @DefaultValue("") String apiKey) {}

  public enum Provider {
    OLLAMA,
    OPENAI
  }

  /** Backoff for transport errors (connection refused or reset, 5xx, timeouts). */
  public record Retry(
      @Min(1) @DefaultValue("4") int maxAttempts,
      @NotNull @DefaultValue("1s") Duration initialBackoff,
      @NotNull @DefaultValue("30s") Duration maxBackoff,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("0.5") double jitter) {}

  /**
   * Loops within the last {@code window} calls of a step: a repeated {@code (tool, canonical
   * arguments)}, a cycle of two to four calls repeated three times, calls that differ only in a
   * number; and caps on how many calls a step attempt may make.
   *
   * @param guidanceAt the repeat count at which guidance is added to the tool result
   * @param blockAt the repeat count from which the call is refused
   * @param blockedCallsBeforeAssistance refused calls in a step before needs_assistance
   * @param counterAt calls of the same shape (arguments equal but for numbers) from which the call
   *     is refused
   * @param maxCallsPerReply tool calls of one model reply that are run; the rest are refused
   * @param maxCallsPerAttempt tool calls one step attempt may make; then the attempt ends as NO
   */
  public record LoopGuard(
      @Min(2) @DefaultValue("12") int window,
      @Min(2) @DefaultValue("3") int guidanceAt,
      @Min(2) @DefaultValue("4") int blockAt,
      @Min(1) @DefaultValue("2") int blockedCallsBeforeAssistance,
      @Min(3) @DefaultValue("6") int counterAt,
      @Min(1) @DefaultValue("8") int maxCallsPerReply,
      @Min(1) @DefaultValue("32") int maxCallsPerAttempt) {}

  /**
   * Tools and their limits.
   *
   * @param defaultAllowed the tools a task may use when its model options list none
   * @param workspaceRoot where each task's sandbox directory is created (default: a directory under
   *     the system temp directory)
   */
  public record Tools(
      @NotNull @DefaultValue({"read_file", "write_file", "list_files", "request_assistance"})
          List<String> defaultAllowed,
      Path workspaceRoot,
      @Min(1) @DefaultValue("262144") int maxFileBytes,
      @Valid @DefaultValue HttpFetch httpFetch,
      @Valid @DefaultValue Shell shell) {

    public Tools {
      if (workspaceRoot == null) {
        workspaceRoot = Path.of(System.getProperty("java.io.tmpdir"), "tasklane-workspaces");
      }
    }
  }

  /**
   * @param allowedHosts host names or addresses that may be fetched even though they resolve to a
   *     private, loopback or link-local address
   */
  public record HttpFetch(
      @NotNull @DefaultValue({}) List<String> allowedHosts,
      @NotNull @DefaultValue("15s") Duration timeout,
      @Min(1) @DefaultValue("262144") int maxBytes,
      @Min(0) @DefaultValue("5") int maxRedirects) {}

  /**
   * @param enabled the shell tool exists only when this is true and the task allows it
   * @param allowedCommands executables the tool may start (by name, no shell interpretation)
   * @param environment names of the runner's environment variables a command may see; every other
   *     variable (model keys, signing keys, any secret) is left out
   */
  public record Shell(
      @DefaultValue("false") boolean enabled,
      @NotNull @DefaultValue({}) List<String> allowedCommands,
      @NotNull @DefaultValue("30s") Duration timeout,
      @Min(1) @DefaultValue("16384") int maxOutputChars,
      @NotNull @DefaultValue({"PATH", "LANG", "LC_ALL", "TZ"}) List<String> environment) {}
}

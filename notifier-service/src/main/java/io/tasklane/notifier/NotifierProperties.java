package io.tasklane.notifier;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every notifier setting, prefix {@code tasklane.notifier}.
 *
 * @param progressInterval under state_changes, the least time between two progress messages of one
 *     task
 * @param taskUrlTemplate link shown in messages, {@code {taskId}} is replaced; when absent the
 *     messages name the CLI command instead
 */
@Validated
@ConfigurationProperties("tasklane.notifier")
public record NotifierProperties(
    @NotNull @DefaultValue("30s") Duration progressInterval,
    String taskUrlTemplate,
    @Valid @DefaultValue Delivery delivery,
    @Valid @DefaultValue Webhook webhook,
    @Valid @DefaultValue Telegram telegram,
    @Valid @DefaultValue Inbox inbox,
    @Valid @DefaultValue Answers answers) {

  /**
   * @param retryFor how long after an event a failing delivery keeps being retried
   * @param perLaneBatch how many deliveries of one chat or webhook one claim takes
   * @param claimLease how long a claim holds without renewal; the holder renews it every third of
   *     this, so a killed notifier's deliveries are taken over at most this long after the kill
   */
  public record Delivery(
      @NotNull @DefaultValue("30m") Duration retryFor,
      @NotNull @DefaultValue("2s") Duration initialBackoff,
      @NotNull @DefaultValue("5m") Duration maxBackoff,
      @NotNull @DefaultValue("250ms") Duration pollInterval,
      @Min(1) @DefaultValue("500") int batchSize,
      @Min(1) @DefaultValue("10") int perLaneBatch,
      @NotNull @DefaultValue("15s") Duration claimLease,
      @NotNull @DefaultValue("500ms") Duration reportInterval) {}

  /**
   * @param allowedHosts host names or IP addresses that may be targeted even though they are
   *     private, loopback or link-local, matched as written in the URL
   */
  public record Webhook(
      @NotNull @DefaultValue("5s") Duration timeout,
      @DefaultValue List<String> allowedHosts,
      @Min(16) @DefaultValue("16") int minSecretLength) {}

  /**
   * @param botToken the Bot API token; Telegram channels cannot be registered without it
   * @param perChatInterval the least time between two messages to one chat
   * @param globalPerSecond requests per second across all chats, counted as Telegram receives them;
   *     below Telegram's 30 by default for headroom (see docs/configuration.md)
   * @param updates how answers from the chats arrive: long polling, a webhook, or not at all
   * @param pollTimeout how long one {@code getUpdates} long poll waits for an update
   * @param webhookUrl the public HTTPS address Telegram posts updates to (updates=webhook)
   * @param webhookSecret the secret token Telegram sends with every update (updates=webhook)
   */
  public record Telegram(
      @NotNull @DefaultValue("https://api.telegram.org") URI baseUrl,
      String botToken,
      @NotNull @DefaultValue("1s") Duration perChatInterval,
      @Min(1) @Max(1000) @DefaultValue("25") int globalPerSecond,
      @NotNull @DefaultValue("10s") Duration timeout,
      @NotNull @DefaultValue("polling") Updates updates,
      @NotNull @DefaultValue("25s") Duration pollTimeout,
      URI webhookUrl,
      String webhookSecret) {

    public enum Updates {
      POLLING,
      WEBHOOK,
      OFF
    }

    public boolean configured() {
      return botToken != null && !botToken.isBlank();
    }

    /** The bot's own id, the part of the token before the colon; not a secret. */
    public String botId() {
      return configured() ? botToken.split(":", 2)[0] : "";
    }

    @Override
    public String toString() {
      return ("Telegram[baseUrl=%s, botToken=%s, perChatInterval=%s, globalPerSecond=%d,"
              + " timeout=%s, updates=%s, pollTimeout=%s, webhookUrl=%s, webhookSecret=%s]")
          .formatted(
              baseUrl,
              configured() ? "****" : "",
              perChatInterval,
              globalPerSecond,
              timeout,
              updates,
              pollTimeout,
              webhookUrl,
              webhookSecret == null || webhookSecret.isBlank() ? "" : "****");
    }
  }

  /**
   * Operators' answers (Telegram buttons and replies, signed session-webhook callbacks) forwarded
   * to the ledger.
   *
   * @param ledgerUrl the ledger's base URL; the answers are signed as the session's tenant
   * @param ledgerTimeout how long one call to the ledger may take
   * @param signatureTolerance how old (or how far ahead) a session callback's webhook-timestamp may
   *     be; a webhook-id seen within it is refused as a replay
   */
  public record Answers(
      @NotNull @DefaultValue("http://localhost:8081") URI ledgerUrl,
      @NotNull @DefaultValue("10s") Duration ledgerTimeout,
      @NotNull @DefaultValue("5m") Duration signatureTolerance) {}

  public record Inbox(
      @Min(1) @DefaultValue("50") int defaultPageSize,
      @Min(1) @DefaultValue("500") int maxPageSize,
      @NotNull @DefaultValue("30m") Duration streamTimeout,
      @NotNull @DefaultValue("2s") Duration streamPollInterval,
      @NotNull @DefaultValue("15s") Duration heartbeat) {}
}

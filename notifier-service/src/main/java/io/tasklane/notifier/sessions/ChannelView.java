package io.tasklane.notifier.sessions;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** A registered channel as the API shows it; the webhook secret is always masked. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChannelView(
    String type, String url, String secret, String chatId, Instant registeredAt) {

  static final String MASK = "********";
}

package io.tasklane.notifier.sessions;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.notifier.NotifierProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The channels each session registered, besides its inbox. */
@Service
public class SessionChannels {

  private static final Pattern CHAT_ID = Pattern.compile("-?\\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}");
  private static final int MAX_SESSION_KEY = 200;
  private static final int MAX_URL = 2000;

  private final JdbcClient jdbc;
  private final WebhookAddressPolicy addressPolicy;
  private final NotifierProperties properties;

  SessionChannels(
      JdbcClient jdbc, WebhookAddressPolicy addressPolicy, NotifierProperties properties) {
    this.jdbc = jdbc;
    this.addressPolicy = addressPolicy;
    this.properties = properties;
  }

  ChannelView register(String tenant, String sessionKey, ChannelRegistration registration) {
    requireSessionKey(sessionKey);
    String type = registration.type() == null ? "" : registration.type();
    SessionChannel channel =
        switch (type) {
          case "webhook" -> webhook(tenant, sessionKey, registration);
          case "telegram" -> telegram(tenant, sessionKey, registration);
          default -> throw new InvalidChannelException("type", "type must be webhook or telegram");
        };
    return jdbc.sql(
            """
            INSERT INTO notifier.session_channel
                (tenant, session_key, channel, webhook_url, webhook_secret, telegram_chat_id)
            VALUES (:tenant, :session, :channel, :url, :secret, :chat)
            ON CONFLICT (tenant, session_key, channel) DO UPDATE
               SET webhook_url = excluded.webhook_url,
                   webhook_secret = excluded.webhook_secret,
                   telegram_chat_id = excluded.telegram_chat_id,
                   registered_at = now()
            RETURNING *
            """)
        .param("tenant", tenant)
        .param("session", sessionKey)
        .param("channel", channel.channel().wire())
        .param("url", channel.webhookUrl())
        .param("secret", channel.webhookSecret())
        .param("chat", channel.telegramChatId())
        .query(SessionChannels::map)
        .single()
        .view();
  }

  List<ChannelView> list(String tenant, String sessionKey) {
    return forSession(tenant, sessionKey).stream().map(SessionChannel::view).toList();
  }

  void remove(String tenant, String sessionKey, String type) {
    int removed =
        jdbc.sql(
                "DELETE FROM notifier.session_channel"
                    + " WHERE tenant = ? AND session_key = ? AND channel = ?")
            .params(tenant, sessionKey, type)
            .update();
    if (removed == 0) {
      throw new ChannelNotFoundException(type, sessionKey);
    }
  }

  /** The registered channels of a session, webhook before telegram. */
  public List<SessionChannel> forSession(String tenant, String sessionKey) {
    return jdbc.sql(
            "SELECT * FROM notifier.session_channel WHERE tenant = ? AND session_key = ?"
                + " ORDER BY channel DESC")
        .params(tenant, sessionKey)
        .query(SessionChannels::map)
        .list();
  }

  public Optional<SessionChannel> find(
      String tenant, String sessionKey, DeliveryChannel deliveryChannel) {
    return jdbc.sql(
            "SELECT * FROM notifier.session_channel"
                + " WHERE tenant = ? AND session_key = ? AND channel = ?")
        .params(tenant, sessionKey, deliveryChannel.wire())
        .query(SessionChannels::map)
        .optional();
  }

  private SessionChannel webhook(String tenant, String sessionKey, ChannelRegistration r) {
    if (r.url() == null || r.url().isBlank()) {
      throw new InvalidChannelException("url", "url is required for a webhook");
    }
    if (r.url().length() > MAX_URL) {
      throw new InvalidChannelException("url", "url is longer than " + MAX_URL + " characters");
    }
    addressPolicy
        .refusal(r.url())
        .ifPresent(
            reason -> {
              throw new InvalidChannelException("url", reason);
            });
    int minSecret = properties.webhook().minSecretLength();
    if (r.secret() == null || r.secret().isBlank()) {
      throw new InvalidChannelException("secret", "secret is required for a webhook");
    }
    if (r.secret().startsWith(WebhookSecret.PREFIX)) {
      byte[] key =
          WebhookSecret.decodedWhsec(r.secret())
              .orElseThrow(
                  () ->
                      new InvalidChannelException(
                          "secret", "a whsec_ secret must be whsec_ followed by base64"));
      if (key.length < minSecret || key.length > WebhookSecret.MAX_KEY_BYTES) {
        throw new InvalidChannelException(
            "secret",
            "a whsec_ secret must decode to "
                + minSecret
                + " to "
                + WebhookSecret.MAX_KEY_BYTES
                + " bytes");
      }
    } else if (r.secret().length() < minSecret) {
      throw new InvalidChannelException(
          "secret", "secret must be at least " + minSecret + " characters");
    }
    if (r.chatId() != null) {
      throw new InvalidChannelException("chatId", "chatId is only for telegram channels");
    }
    return new SessionChannel(
        tenant, sessionKey, DeliveryChannel.WEBHOOK, r.url(), r.secret(), null, null);
  }

  private SessionChannel telegram(String tenant, String sessionKey, ChannelRegistration r) {
    if (!properties.telegram().configured()) {
      throw new InvalidChannelException("type", "Telegram delivery is not configured");
    }
    if (r.chatId() == null || !CHAT_ID.matcher(r.chatId()).matches()) {
      throw new InvalidChannelException(
          "chatId", "chatId must be a numeric Telegram chat id or an @channel name");
    }
    if (r.url() != null || r.secret() != null) {
      throw new InvalidChannelException("url", "url and secret are only for webhook channels");
    }
    return new SessionChannel(
        tenant, sessionKey, DeliveryChannel.TELEGRAM, null, null, r.chatId(), null);
  }

  private static void requireSessionKey(String sessionKey) {
    if (sessionKey.isBlank() || sessionKey.length() > MAX_SESSION_KEY) {
      throw new InvalidChannelException(
          "sessionKey", "session key must be 1 to " + MAX_SESSION_KEY + " characters");
    }
  }

  private static SessionChannel map(ResultSet rs, int row) throws SQLException {
    return new SessionChannel(
        rs.getString("tenant"),
        rs.getString("session_key"),
        DeliveryChannel.fromWire(rs.getString("channel")),
        rs.getString("webhook_url"),
        rs.getString("webhook_secret"),
        rs.getString("telegram_chat_id"),
        rs.getTimestamp("registered_at").toInstant());
  }
}

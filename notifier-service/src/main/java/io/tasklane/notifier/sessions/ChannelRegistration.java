package io.tasklane.notifier.sessions;

/**
 * A request to deliver a session's messages to a webhook or a Telegram chat. Registering a type
 * again replaces the earlier registration of that type.
 *
 * @param type {@code webhook} or {@code telegram}
 * @param url the webhook URL (webhook only)
 * @param secret the key webhook signatures are made with (webhook only): {@code whsec_<base64>} as
 *     Standard Webhooks defines it, or a plain secret whose UTF-8 bytes are the key
 * @param chatId the Telegram chat id or {@code @channel} name (telegram only)
 */
public record ChannelRegistration(String type, String url, String secret, String chatId) {}

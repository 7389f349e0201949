package io.tasklane.notifier.sessions;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The secret a session registers with its webhook and the HMAC key it stands for, per Standard
 * Webhooks: a secret in the {@code whsec_<base64>} form is the base64-decoded bytes after the
 * prefix; any other secret (a plain secret, as registered before) is its UTF-8 bytes, which is the
 * same key as {@code "whsec_" + base64(utf8(secret))}.
 */
public final class WebhookSecret {

  public static final String PREFIX = "whsec_";

  /** The longest key the specification recommends. */
  public static final int MAX_KEY_BYTES = 64;

  private WebhookSecret() {}

  /**
   * The HMAC key of a secret: the decoded part of a {@code whsec_} secret, otherwise the UTF-8
   * bytes. A {@code whsec_} secret that does not decode (only possible for one stored before the
   * form was checked) keeps signing with its UTF-8 bytes, as it always did.
   */
  public static byte[] key(String secret) {
    return decodedWhsec(secret).orElseGet(() -> secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The decoded key of a {@code whsec_<base64>} secret; empty if it is not one or not base64. */
  static Optional<byte[]> decodedWhsec(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return Optional.empty();
    }
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
      return key.length == 0 ? Optional.empty() : Optional.of(key);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

package io.tasklane.notifier.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signing as the Standard Webhooks specification defines it: the headers {@code
 * webhook-id}, {@code webhook-timestamp} (unix seconds) and {@code webhook-signature} ({@code
 * v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">}). Receivers recompute the signature with
 * the session secret and reject old timestamps to stop replays.
 *
 * <p>A secret in the {@code whsec_<base64>} form signs with the base64-decoded bytes after the
 * prefix; any other secret (a plain secret, as registered before) signs with its UTF-8 bytes, which
 * is the same key as {@code "whsec_" + base64(utf8(secret))}.
 */
public final class WebhookSignature {

  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";
  public static final String SECRET_PREFIX = "whsec_";

  /** The longest key the specification recommends. */
  public static final int MAX_KEY_BYTES = 64;

  private WebhookSignature() {}

  /** The {@code webhook-signature} value for one delivery. */
  public static String signature(String secret, String id, long timestamp, String body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), id, timestamp, body));
  }

  /**
   * The HMAC key of a secret: the decoded part of a {@code whsec_} secret, otherwise the UTF-8
   * bytes. A {@code whsec_} secret that does not decode (only possible for one stored before the
   * form was checked) keeps signing with its UTF-8 bytes, as it always did.
   */
  static byte[] key(String secret) {
    return decodedWhsec(secret).orElseGet(() -> secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The decoded key of a {@code whsec_<base64>} secret; empty if it is not one or not base64. */
  public static Optional<byte[]> decodedWhsec(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
      return Optional.empty();
    }
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
      return key.length == 0 ? Optional.empty() : Optional.of(key);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] hmac(byte[] key, String id, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}

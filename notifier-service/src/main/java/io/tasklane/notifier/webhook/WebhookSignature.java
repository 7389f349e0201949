package io.tasklane.notifier.webhook;

import io.tasklane.notifier.sessions.WebhookSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signing as the Standard Webhooks specification defines it: the headers {@code
 * webhook-id}, {@code webhook-timestamp} (unix seconds) and {@code webhook-signature} ({@code
 * v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">}), keyed with the session's {@link
 * WebhookSecret}. Receivers recompute the signature with the session secret and reject old
 * timestamps to stop replays.
 */
public final class WebhookSignature {

  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";

  private WebhookSignature() {}

  /** The {@code webhook-signature} value for one delivery. */
  public static String signature(String secret, String id, long timestamp, String body) {
    return "v1,"
        + Base64.getEncoder().encodeToString(hmac(WebhookSecret.key(secret), id, timestamp, body));
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

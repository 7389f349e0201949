package io.tasklane.notifier.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Tasklane-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">}. Receivers recompute it with the session secret and reject old timestamps to stop
 * replays.
 */
public final class WebhookSignature {

  public static final String HEADER = "X-Tasklane-Signature";

  private WebhookSignature() {}

  public static String header(String secret, long timestamp, String body) {
    return "t=" + timestamp + ",v1=" + hmacHex(secret, timestamp + "." + body);
  }

  static String hmacHex(String secret, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}

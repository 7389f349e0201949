package io.tasklane.gateway.auth;

import java.nio.charset.StandardCharsets;

/**
 * Caller names as they travel in the signed identity: printable ASCII without spaces. Anything else
 * (and {@code %} itself) is percent-encoded, so two different names never become one; a name too
 * long for a header is replaced by its hash.
 */
final class CallerNames {

  static final int MAX_CHARS = 200;

  private CallerNames() {}

  static String headerSafe(String name) {
    StringBuilder safe = new StringBuilder(name.length());
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%') {
        safe.append((char) c);
      } else {
        safe.append('%').append(String.format("%02X", c));
      }
    }
    if (safe.isEmpty()) {
      return "unnamed";
    }
    if (safe.length() > MAX_CHARS) {
      int colon = name.indexOf(':');
      String kind = colon > 0 && colon < 20 ? headerSafe(name.substring(0, colon + 1)) : "";
      return kind + "sha256:" + ApiKeys.sha256Hex(name);
    }
    return safe.toString();
  }
}

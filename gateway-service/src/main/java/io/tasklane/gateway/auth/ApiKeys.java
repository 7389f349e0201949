package io.tasklane.gateway.auth;

import io.tasklane.gateway.GatewayProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Finds the configured key a presented secret hashes to, comparing in constant time. */
@Component
class ApiKeys {

  private final List<GatewayProperties.ApiKey> keys;

  ApiKeys(GatewayProperties properties) {
    this.keys = properties.apiKeys();
  }

  Optional<GatewayProperties.ApiKey> find(String presented) {
    byte[] hash = ("sha256:" + sha256Hex(presented)).getBytes(StandardCharsets.US_ASCII);
    GatewayProperties.ApiKey match = null;
    for (GatewayProperties.ApiKey key : keys) {
      if (MessageDigest.isEqual(hash, key.hash().getBytes(StandardCharsets.US_ASCII))) {
        match = key;
      }
    }
    return Optional.ofNullable(match);
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

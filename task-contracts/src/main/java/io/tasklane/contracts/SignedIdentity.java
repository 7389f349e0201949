package io.tasklane.contracts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The identity a request carries inside the trust boundary: the tenant, the caller and its scopes,
 * signed with a key shared by the gateway, the runners and the backends.
 *
 * <p>The gateway signs the identity it resolved from a client's credentials; a runner signs its own
 * when it claims a task or creates a child task. A backend accepts the identity headers only when
 * {@link #IDENTITY_HEADER} holds a valid, fresh HMAC-SHA256 over them, so a header a client made up
 * is worth nothing even if it reaches the backend.
 *
 * <p>Signature format: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>} over {@code
 * "tasklane-identity-v1\n" + t + "\n" + tenant + "\n" + caller + "\n" + scopes}, where scopes are
 * sorted and joined by single spaces.
 */
public final class SignedIdentity {

  public static final String TENANT_HEADER = "X-Tasklane-Tenant";
  public static final String CALLER_HEADER = "X-Tasklane-Caller";
  public static final String SCOPES_HEADER = "X-Tasklane-Scopes";
  public static final String IDENTITY_HEADER = "X-Tasklane-Identity";

  /** The prefix of every header a backend trusts; the gateway removes all of them from clients. */
  public static final String TRUSTED_HEADER_PREFIX = "x-tasklane-";

  /** The scope of a runner's own calls to the ledger's internal API. */
  public static final String RUNNER_SCOPE = "runner";

  /** The tenant a runner names when its call is not on behalf of one tenant (a claim). */
  public static final String NO_TENANT = "-";

  /** Keys shorter than this are refused: an HMAC key should be at least as long as its output. */
  public static final int MIN_KEY_BYTES = 32;

  private static final Pattern SIGNATURE = Pattern.compile("t=(\\d{1,12}),v1=([0-9a-f]{64})");
  private static final Pattern SCOPE = Pattern.compile("[a-z][a-z:_-]{0,39}");

  /** Who is calling, as the gateway (or a runner) established it. */
  public record Identity(String tenant, String caller, Set<String> scopes) {

    public Identity {
      requireHeaderSafe(tenant, "tenant");
      requireHeaderSafe(caller, "caller");
      scopes = Set.copyOf(scopes);
      for (String scope : scopes) {
        if (!SCOPE.matcher(scope).matches()) {
          throw new IllegalArgumentException("Invalid scope: " + scope);
        }
      }
    }

    public boolean hasScope(String scope) {
      return scopes.contains(scope) || scopes.contains("admin");
    }

    String scopesValue() {
      return String.join(" ", new TreeSet<>(scopes));
    }
  }

  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec key;

  /**
   * Keyed once; every signature works on a copy (a clone keeps the key's inner and outer pads, so
   * no provider look-up and no re-keying per request). Never used itself, so copies made at the
   * same time are safe.
   */
  private final Mac keyed;

  private final Duration maxAge;

  /**
   * @param key the shared key, at least {@link #MIN_KEY_BYTES} bytes in UTF-8
   * @param maxAge how old (or how far ahead, for clock skew) a signature may be
   */
  public SignedIdentity(String key, Duration maxAge) {
    if (key == null || key.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "The identity signing key must be at least " + MIN_KEY_BYTES + " bytes long");
    }
    if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("The identity signature's maximum age must be positive");
    }
    this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.keyed = newMac();
    this.maxAge = maxAge;
  }

  /** The setting that holds the shared key in every service. */
  public static final String KEY_PROPERTY = "tasklane.identity.signing-key";

  /** The setting for the maximum age of a signature (a duration such as {@code 60s}). */
  public static final String MAX_AGE_PROPERTY = "tasklane.identity.max-age";

  /** The default maximum age of a signature. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);

  /**
   * The signer every service builds from its settings, {@link #KEY_PROPERTY} and {@link
   * #MAX_AGE_PROPERTY}.
   *
   * @throws IllegalStateException naming the setting when the key is missing or too short
   */
  public static SignedIdentity fromSettings(Function<String, String> setting) {
    String key = setting.apply(KEY_PROPERTY);
    if (key == null || key.isBlank()) {
      throw new IllegalStateException(
          "Set "
              + KEY_PROPERTY
              + " (environment TASKLANE_IDENTITY_SIGNINGKEY): the key the gateway, runners and"
              + " backends share to sign and check the identity of every internal request");
    }
    String maxAge = setting.apply(MAX_AGE_PROPERTY);
    try {
      return new SignedIdentity(key, maxAge == null ? DEFAULT_MAX_AGE : parseDuration(maxAge));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage() + " (" + KEY_PROPERTY + ")", e);
    }
  }

  /** The four headers that carry {@code identity}, signed at {@code now}, in a fixed order. */
  public Map<String, String> headers(Identity identity, Instant now) {
    long t = now.getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(TENANT_HEADER, identity.tenant());
    headers.put(CALLER_HEADER, identity.caller());
    String scopes = identity.scopesValue();
    headers.put(SCOPES_HEADER, scopes);
    headers.put(
        IDENTITY_HEADER, "t=" + t + ",v1=" + mac(t, identity.tenant(), identity.caller(), scopes));
    return headers;
  }

  /**
   * The identity the headers carry, when the signature over them is valid and fresh at {@code now};
   * empty for anything else (a header missing, malformed, tampered with, or too old).
   */
  public Optional<Identity> verify(
      String tenant, String caller, String scopes, String signature, Instant now) {
    if (tenant == null || caller == null || scopes == null || signature == null) {
      return Optional.empty();
    }
    var matcher = SIGNATURE.matcher(signature.trim());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long t = Long.parseLong(matcher.group(1));
    if (Math.abs(now.getEpochSecond() - t) > maxAge.toSeconds()) {
      return Optional.empty();
    }
    byte[] expected = mac(t, tenant, caller, scopes).getBytes(StandardCharsets.US_ASCII);
    byte[] presented = matcher.group(2).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, presented)) {
      return Optional.empty();
    }
    try {
      Set<String> scopeSet =
          scopes.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(scopes.split(" ")));
      return Optional.of(new Identity(tenant, caller, scopeSet));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@link #verify(String, String, String, String, Instant)} on a request's headers. */
  public Optional<Identity> verify(Function<String, String> header, Instant now) {
    return verify(
        header.apply(TENANT_HEADER),
        header.apply(CALLER_HEADER),
        header.apply(SCOPES_HEADER),
        header.apply(IDENTITY_HEADER),
        now);
  }

  /** A backend's decision on a request that reached it: the caller it may act for, or a refusal. */
  public sealed interface Admission {

    /** The request carries a valid, fresh identity allowed on its path. */
    record Admitted(Identity identity) implements Admission {}

    /**
     * The request is refused: {@code status} 401 ({@code unauthenticated}) or 403 ({@code
     * forbidden}), with a {@code slug} for the problem type and a detail safe to show.
     */
    record Refused(int status, String slug, String title, String detail) implements Admission {}
  }

  /** The path prefix of the runners' API, open only to the {@link #RUNNER_SCOPE}. */
  public static final String INTERNAL_PATH = "/internal/";

  /**
   * What a backend does with a request for {@code path} (decoded and normalised, as the servlet
   * container routes it) carrying {@code header}s: a signature that is missing, invalid or stale is
   * 401, whatever tenant the headers name; the runners' API needs {@link #RUNNER_SCOPE}; every
   * other path needs a tenant (not {@link #NO_TENANT}).
   */
  public Admission admit(String path, Function<String, String> header, Instant now) {
    Optional<Identity> verified = verify(header, now);
    if (verified.isEmpty()) {
      return new Admission.Refused(
          401,
          "unauthenticated",
          "Authentication required",
          "The request carries no valid, fresh identity signature");
    }
    Identity identity = verified.get();
    if (path.startsWith(INTERNAL_PATH)) {
      return identity.scopes().contains(RUNNER_SCOPE)
          ? new Admission.Admitted(identity)
          : new Admission.Refused(
              403, "forbidden", "Missing scope", "This API is open to runners only");
    }
    if (NO_TENANT.equals(identity.tenant())) {
      return new Admission.Refused(
          403, "forbidden", "No tenant", "This API acts for one tenant; the identity names none");
    }
    return new Admission.Admitted(identity);
  }

  private static Duration parseDuration(String value) {
    String v = value.trim();
    if (v.matches("\\d+")) {
      return Duration.ofMillis(Long.parseLong(v));
    }
    if (v.matches("\\d+s")) {
      return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    if (v.matches("\\d+m")) {
      return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    return Duration.parse(v);
  }

  private Mac newMac() {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(key);
      return hmac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private Mac copyOfKeyed() {
    try {
      return (Mac) keyed.clone();
    } catch (CloneNotSupportedException e) {
      return newMac();
    }
  }

  private String mac(long t, String tenant, String caller, String scopes) {
    String payload = "tasklane-identity-v1\n" + t + "\n" + tenant + "\n" + caller + "\n" + scopes;
    return HEX.formatHex(copyOfKeyed().doFinal(payload.getBytes(StandardCharsets.UTF_8)));
  }

  private static void requireHeaderSafe(String value, String what) {
    if (value == null || value.isEmpty() || value.length() > 200) {
      throw new IllegalArgumentException("Invalid " + what);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException("Invalid " + what);
      }
    }
  }
}

package io.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.SignedIdentity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every public route, spelled every way a path can be spelled: without credentials nothing reaches
 * a backend, whatever identity the client claims; with tenant B's key what reaches a backend is
 * tenant B, signed, at the canonical path.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PathVariantTests {

  static final String TENANT_B_KEY = "tl_globex_secret";
  static final Backend LEDGER = EdgeTests.startBackend("ledger");
  static final Backend NOTIFIER = EdgeTests.startBackend("notifier");

  /** The public routes, each by one path that exists. */
  static final List<String> ROUTES =
      List.of(
          "/api/v1/tasks",
          "/api/v1/tasks/0b7d3c8e-8e0a-4a44-9f55-3a0f2d1c9e01",
          "/api/v1/tasks/0b7d3c8e-8e0a-4a44-9f55-3a0f2d1c9e01/events",
          "/api/v1/events",
          "/api/v1/flows",
          "/api/v1/flows/f-1",
          "/api/v1/sessions/chat-1/messages",
          "/api/v1/stats",
          "/api/v1/approvals",
          "/api/v1/audit",
          "/api/v1/maintenance",
          "/api/v1/cron-jobs",
          "/api/v1/cron-jobs/nightly");

  /** What a client may claim about itself; none of it may reach a backend. */
  static final String[] SPOOFED = {
    "X-Tasklane-Tenant: acme",
    "X-Tasklane-Caller: root",
    "X-Tasklane-Scopes: admin runner",
    "X-Tasklane-Identity: t=1700000000,v1=" + "0".repeat(64),
    "Forwarded: for=203.0.113.9;host=ledger.internal",
    "X-Forwarded-For: 203.0.113.9",
    "X-Forwarded-Host: ledger.internal",
    "X-Forwarded-Prefix: /internal"
  };

  @LocalServerPort int port;
  @Autowired Environment environment;

  @DynamicPropertySource
  static void gateway(DynamicPropertyRegistry registry) {
    registry.add("tasklane.gateway.ledger-url", LEDGER::url);
    registry.add("tasklane.gateway.notifier-url", NOTIFIER::url);
    registry.add("tasklane.gateway.rate-limit.requests-per-second", () -> "100000");
    registry.add("tasklane.gateway.rate-limit.burst", () -> "100000");
    EdgeTests.key(
        registry, 0, "globex-ops", TENANT_B_KEY, "globex", "tasks:read,tasks:write,admin");
  }

  @AfterAll
  static void stopBackends() {
    LEDGER.close();
    NOTIFIER.close();
  }

  @BeforeEach
  void forget() {
    LEDGER.received().clear();
    NOTIFIER.received().clear();
  }

  @Test
  void noSpellingOfAPublicRouteGetsPastTheGatewayWithoutCredentials() throws Exception {
    RawHttp http = new RawHttp(port);
    SoftAssertions softly = new SoftAssertions();
    int sent = 0;
    for (String route : ROUTES) {
      Map<String, Boolean> spellings = spellings(route);
      assertThat(spellings).hasSizeGreaterThanOrEqualTo(30);
      for (var spelling : spellings.entrySet()) {
        RawHttp.Response response = http.send("GET", spelling.getKey(), SPOOFED);
        sent++;
        softly
            .assertThat(response.status())
            .as("GET %s", spelling.getKey())
            .isIn(spelling.getValue() ? List.of(401) : List.of(400, 404, 414));
        softly
            .assertThat(response.isProblem())
            .as("problem for GET %s", spelling.getKey())
            .isTrue();
      }
    }
    softly.assertAll();
    assertThat(sent).isGreaterThanOrEqualTo(30 * ROUTES.size());
    assertThat(LEDGER.received()).isEmpty();
    assertThat(NOTIFIER.received()).isEmpty();
  }

  @Test
  void withTenantBsKeyEveryForwardedRequestIsTenantBSignedAtTheCanonicalPath() throws Exception {
    RawHttp http = new RawHttp(port);
    SignedIdentity verifier = SignedIdentity.fromSettings(environment::getProperty);
    SoftAssertions softly = new SoftAssertions();
    int forwarded = 0;
    for (String route : ROUTES) {
      for (var spelling : spellings(route).entrySet()) {
        forget();
        String target = spelling.getKey();
        List<String> headers = new ArrayList<>(List.of(SPOOFED));
        headers.add("Authorization: Bearer " + TENANT_B_KEY);
        RawHttp.Response response = http.send("GET", target, headers.toArray(String[]::new));
        List<Backend.Received> received = new ArrayList<>(LEDGER.received());
        received.addAll(NOTIFIER.received());
        if (!spelling.getValue()) {
          softly.assertThat(response.status()).as("GET %s", target).isIn(400, 404, 414);
          softly.assertThat(response.isProblem()).as("problem for GET %s", target).isTrue();
          softly.assertThat(received).as("forwarded GET %s", target).isEmpty();
          continue;
        }
        forwarded++;
        softly.assertThat(response.status()).as("GET %s", target).isEqualTo(200);
        softly.assertThat(received).as("forwarded GET %s", target).hasSize(1);
        if (received.size() != 1) {
          continue;
        }
        Backend.Received request = received.getFirst();
        softly.assertThat(request.rawPath()).as("path of %s", target).isEqualTo(route);
        softly.assertThat(request.headers().get("X-tasklane-tenant")).containsExactly("globex");
        softly.assertThat(request.header("X-Tasklane-Caller")).isEqualTo("globex-ops");
        softly
            .assertThat(verifier.verify(request::header, Instant.now()))
            .as("signature of %s", target)
            .hasValueSatisfying(
                identity -> {
                  assertThat(identity.tenant()).isEqualTo("globex");
                  assertThat(identity.scopes()).doesNotContain("runner");
                });
        softly.assertThat(request.header("Authorization")).isNull();
        softly.assertThat(String.valueOf(request.header("X-Forwarded-For"))).doesNotContain("203.");
        softly.assertThat(String.valueOf(request.header("Forwarded"))).doesNotContain("203.");
        softly.assertThat(request.header("X-Forwarded-Prefix")).isNull();
      }
    }
    softly.assertAll();
    assertThat(forwarded).isGreaterThanOrEqualTo(10 * ROUTES.size());
  }

  @Test
  void anEventStreamCarriesTenantBAndNeverTheTenantTheClientClaimed() throws Exception {
    LEDGER.on(
        "/api/v1/events",
        exchange -> {
          String tenant = exchange.getRequestHeaders().getFirst("X-Tasklane-Tenant");
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (var out = exchange.getResponseBody()) {
            out.write(("id: 1\ndata: {\"tenant\":\"" + tenant + "\"}\n\n").getBytes());
          }
        });
    HttpClient client = HttpClient.newHttpClient();

    var anonymous =
        new RawHttp(port).send("GET", "/%61pi/v1/events", "Accept: text/event-stream", SPOOFED[0]);
    var stream =
        client.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/events"))
                .header("Authorization", "Bearer " + TENANT_B_KEY)
                .header("X-Tasklane-Tenant", "acme")
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());

    assertThat(anonymous.status()).isEqualTo(401);
    try (var lines =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertThat(lines.lines().filter(l -> l.startsWith("data:")).findFirst())
          .hasValue("data: {\"tenant\":\"globex\"}");
    }
    assertThat(LEDGER.received())
        .singleElement()
        .extracting(Backend.Received::rawPath)
        .isEqualTo("/api/v1/events");
  }

  /**
   * Spellings of {@code path}, each mapped to whether it means exactly {@code path} (and must be
   * authenticated and forwarded as {@code path}) or is ambiguous, elsewhere or too long (and must
   * be refused).
   */
  static Map<String, Boolean> spellings(String path) {
    Map<String, Boolean> spellings = new LinkedHashMap<>();
    spellings.put(path, true);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '/') {
        continue;
      }
      String hex = String.format("%02x", (int) c);
      spellings.put(path.substring(0, i) + "%" + hex + path.substring(i + 1), true);
      spellings.put(
          path.substring(0, i) + "%" + hex.toUpperCase(Locale.ROOT) + path.substring(i + 1), true);
    }
    spellings.put(encodeAll(path), true);
    spellings.put(path + "#fragment", true);
    spellings.put("http://localhost" + path, true);

    List<Integer> slashes = new ArrayList<>();
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        slashes.add(i);
      }
    }
    for (int slash : slashes) {
      String before = path.substring(0, slash);
      String after = path.substring(slash + 1);
      spellings.put(before + "//" + after, false);
      spellings.put(before + "/./" + after, false);
      spellings.put(before + "/%2e/" + after, false);
      spellings.put(before + "/x/../" + after, false);
      spellings.put(before + "/x/%2e%2E/" + after, false);
      spellings.put(before + "/..;/" + after, false);
      if (slash > 0) {
        spellings.put(before + ";x=1/" + after, false);
        spellings.put(before + ";/" + after, false);
        spellings.put(before + "%2f" + after, false);
        spellings.put(before + "%2F" + after, false);
        spellings.put(before + "%5c" + after, false);
        spellings.put(before + "\\" + after, false);
        spellings.put(before + "%252f" + after, false);
        spellings.put(before + "%c0%af" + after, false);
        spellings.put(before + "./" + after, false);
      }
    }
    spellings.put(path + ";jsessionid=1", false);
    spellings.put(path + "/", false);
    spellings.put(path + "//", false);
    spellings.put(path + ".", false);
    spellings.put(path + "%2e", false);
    spellings.put(path + "/.", false);
    spellings.put(path + "/..", false);
    spellings.put(path + "/..;", false);
    spellings.put(path + "%00", false);
    spellings.put(path + "%00.json", false);
    spellings.put(path + "%0a", false);
    spellings.put(path + "%7f", false);
    spellings.put(path + "%", false);
    spellings.put(path + "%g0", false);
    spellings.put(path + "%u002f", false);
    spellings.put(path + "%25", false);
    spellings.put("/%2561" + path.substring(2), false);
    spellings.put(path + "?cursor=%%%", false);
    spellings.put(path + "?cursor=%00", false);
    spellings.put(path + "{x}", false);
    spellings.put(path + "/" + "a".repeat(300), false);
    spellings.put(path + "/" + "a".repeat(1100), false);
    spellings.put(path + "/" + "a".repeat(5000), false);
    spellings.put(path.toUpperCase(Locale.ROOT), false);
    spellings.put("/internal" + path.substring(4), false);
    spellings.put(path + "/../../../internal/v1/tasks", false);
    return spellings;
  }

  private static String encodeAll(String path) {
    StringBuilder out = new StringBuilder();
    for (char c : path.toCharArray()) {
      out.append(c == '/' ? "/" : String.format("%%%02X", (int) c));
    }
    return out.toString();
  }
}

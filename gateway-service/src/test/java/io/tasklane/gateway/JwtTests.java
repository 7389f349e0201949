package io.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tasklane.contracts.SignedIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JwtTests {

  static final String ISSUER = "https://issuer.example.test";
  static final String AUDIENCE = "tasklane-api";
  static final RSAKey SIGNING = generate("issuer-key");
  static final RSAKey FORGER = generate("issuer-key");
  static final Backend LEDGER = EdgeTests.startBackend("ledger");

  @LocalServerPort int port;
  @Autowired Environment environment;
  final HttpClient http = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void issuer(DynamicPropertyRegistry registry) {
    LEDGER.on(
        "/jwks",
        exchange -> Backend.respond(exchange, 200, new JWKSet(SIGNING.toPublicJWK()).toString()));
    registry.add("tasklane.gateway.ledger-url", LEDGER::url);
    registry.add("tasklane.gateway.notifier-url", LEDGER::url);
    registry.add("tasklane.gateway.jwt.issuer-uri", () -> ISSUER);
    registry.add("tasklane.gateway.jwt.jwk-set-uri", () -> LEDGER.url() + "/jwks");
    registry.add("tasklane.gateway.jwt.audience", () -> AUDIENCE);
  }

  @AfterAll
  static void stop() {
    LEDGER.close();
  }

  @BeforeEach
  void forget() {
    LEDGER.received().clear();
  }

  @Test
  void aValidTokenActsForTheTenantItNames() throws Exception {
    var response =
        get(token(SIGNING, ISSUER, "acme", "tasks:read", Instant.now().plusSeconds(300)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(LEDGER.received())
        .filteredOn(r -> r.path().equals("/api/v1/tasks"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.header("X-Tasklane-Tenant")).isEqualTo("acme");
              assertThat(r.header("X-Tasklane-Caller")).isEqualTo("jwt:alice");
              assertThat(
                      SignedIdentity.fromSettings(environment::getProperty)
                          .verify(r::header, Instant.now()))
                  .hasValue(new SignedIdentity.Identity("acme", "jwt:alice", Set.of("tasks:read")));
            });
  }

  @Test
  void aTokenForAnotherAudienceOrForNoneIsRefused() throws Exception {
    Instant later = Instant.now().plusSeconds(300);

    var otherAudience = get(token(SIGNING, ISSUER, "other-service", "alice", "acme", later));
    var noAudience = get(token(SIGNING, ISSUER, null, "alice", "acme", later));

    assertThat(otherAudience.statusCode()).isEqualTo(401);
    assertThat(otherAudience.body()).contains("https://tasklane.io/problems/unauthenticated");
    assertThat(noAudience.statusCode()).isEqualTo(401);
    assertThat(forwardedApiCalls()).isZero();
  }

  @Test
  void aSubjectThatIsNotPrintableAsciiTravelsEncodedAndScopesTheGatewayDoesNotGrantAreDropped()
      throws Exception {
    var response =
        get(
            token(
                SIGNING,
                ISSUER,
                AUDIENCE,
                "Zoë Smith\nX-Tasklane-Tenant: globex",
                "acme",
                "tasks:read runner openid",
                Instant.now().plusSeconds(300)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(LEDGER.received())
        .filteredOn(r -> r.path().equals("/api/v1/tasks"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.header("X-Tasklane-Caller"))
                  .isEqualTo("jwt:Zo%C3%AB%20Smith%0AX-Tasklane-Tenant:%20globex");
              assertThat(r.headers().get("X-tasklane-tenant")).containsExactly("acme");
              assertThat(r.header("X-Tasklane-Scopes")).isEqualTo("tasks:read");
            });
  }

  @Test
  void aTokenWithoutTheWriteScopeCannotCreate() throws Exception {
    String token = token(SIGNING, ISSUER, "acme", "tasks:read", Instant.now().plusSeconds(300));
    var response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"goal\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(forwardedApiCalls()).isZero();
  }

  @Test
  void forgedExpiredOrForeignTokensAreRefused() throws Exception {
    Instant later = Instant.now().plusSeconds(300);

    assertThat(get(token(FORGER, ISSUER, "acme", "tasks:read", later)).statusCode()).isEqualTo(401);
    assertThat(
            get(token(SIGNING, ISSUER, "acme", "tasks:read", Instant.now().minusSeconds(600)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            get(token(SIGNING, "https://someone-else.test", "acme", "tasks:read", later))
                .statusCode())
        .isEqualTo(401);
    assertThat(get(token(SIGNING, ISSUER, null, "tasks:read", later)).statusCode()).isEqualTo(401);
    assertThat(forwardedApiCalls()).isZero();
  }

  private long forwardedApiCalls() {
    return LEDGER.received().stream().filter(r -> r.path().startsWith("/api/")).count();
  }

  private HttpResponse<String> get(String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/tasks"))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String token(
      RSAKey key, String issuer, String tenant, String scope, Instant expires) throws Exception {
    return token(key, issuer, AUDIENCE, "alice", tenant, scope, expires);
  }

  private static String token(
      RSAKey key, String issuer, String audience, String subject, String tenant, Instant expires)
      throws Exception {
    return token(key, issuer, audience, subject, tenant, "tasks:read", expires);
  }

  private static String token(
      RSAKey key,
      String issuer,
      String audience,
      String subject,
      String tenant,
      String scope,
      Instant expires)
      throws Exception {
    var claims =
        new JWTClaimsSet.Builder()
            .subject(subject)
            .issuer(issuer)
            .claim("scope", scope)
            .issueTime(Date.from(Instant.now().minusSeconds(5)))
            .expirationTime(Date.from(expires));
    if (tenant != null) {
      claims.claim("tenant", tenant);
    }
    if (audience != null) {
      claims.audience(audience);
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static RSAKey generate(String id) {
    try {
      return new RSAKeyGenerator(2048).keyID(id).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

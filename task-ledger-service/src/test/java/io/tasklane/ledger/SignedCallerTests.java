package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.SignedIdentity.Identity;
import io.tasklane.testsupport.TestIdentity;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ledger acts only for an identity signed inside the trust boundary, never for a bare header.
 */
class SignedCallerTests extends LedgerTest {

  @Test
  void aRequestWithoutASignatureIsUnauthenticatedWhateverTenantItNames() {
    String id = createTaskId("{\"goal\":\"someone's\"}");
    for (String tenantHeader : new String[] {null, tenant}) {
      List<LedgerApi.Response> answers =
          List.of(
              send(tenantHeader, "GET", "/api/v1/tasks", null),
              send(tenantHeader, "GET", "/api/v1/tasks/" + id, null),
              send(tenantHeader, "GET", "/api/v1/tasks/" + id + "/journal", null),
              send(tenantHeader, "POST", "/api/v1/tasks", "{\"goal\":\"not mine\"}"),
              send(tenantHeader, "POST", "/api/v1/tasks/" + id + "/cancel", null),
              send(tenantHeader, "POST", "/api/v1/maintenance", null),
              send(tenantHeader, "GET", "/api/v1/audit", null),
              send(tenantHeader, "POST", claimPath(id), claimBody("rogue", 1)),
              api.send(
                  withTenant(api.unsigned("/api/v1/events"), tenantHeader)
                      .header("Accept", "text/event-stream")
                      .GET()));
      for (var answer : answers) {
        assertUnauthenticated(answer);
      }
    }
    assertThat(show(id).get("status").asString()).isEqualTo("queued");
    assertThat(listedTaskIds("")).containsExactly(id);
  }

  @Test
  void aTamperedStaleOrForeignSignatureIsUnauthenticated() {
    String id = createTaskId("{\"goal\":\"mine\"}");
    Map<String, String> signedForOther = TestIdentity.tenant(tenant + "-other");
    Map<String, String> tampered = new HashMap<>(signedForOther);
    tampered.put(SignedIdentity.TENANT_HEADER, tenant);
    Map<String, String> widened = new HashMap<>(TestIdentity.tenant(tenant));
    widened.put(SignedIdentity.SCOPES_HEADER, "admin runner tasks:read tasks:write");
    Identity me = new Identity(tenant, "test-client", Set.of("tasks:read"));
    Map<String, String> stale =
        TestIdentity.SIGNING.headers(me, Instant.now().minus(Duration.ofMinutes(5)));
    Map<String, String> foreignKey =
        new SignedIdentity("another-key-another-key-another-key!", Duration.ofSeconds(60))
            .headers(me, Instant.now());
    Map<String, String> garbled = new HashMap<>(TestIdentity.tenant(tenant));
    garbled.put(SignedIdentity.IDENTITY_HEADER, "t=1,v1=not-hex");

    for (Map<String, String> headers : List.of(tampered, widened, stale, foreignKey, garbled)) {
      var builder = api.unsigned("/api/v1/tasks/" + id).GET();
      headers.forEach(builder::header);
      assertUnauthenticated(api.send(builder));
    }
  }

  @Test
  void anotherTenantsValidSignatureSeesThatTenantOnly() {
    String mine = createTaskId("{\"goal\":\"mine\"}");
    String other = tenant + "-other";

    var list = api.get(other, "/api/v1/tasks");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get("items").size()).isZero();
    assertThat(api.get(other, "/api/v1/tasks/" + mine).status()).isEqualTo(404);
    var theirs = api.post(other, "/api/v1/tasks", "{\"goal\":\"theirs\"}");
    assertThat(theirs.status()).isEqualTo(201);
    assertThat(api.get(other, "/api/v1/tasks").json().get("items").size()).isEqualTo(1);
    assertThat(listedTaskIds("")).containsExactly(mine);
  }

  @Test
  void theRunnersApiIsOpenToTheRunnerScopeOnly() {
    String id = createTaskId("{\"goal\":\"claim me\"}");
    var byClient = api.post(tenant, claimPath(id), claimBody("runner-a", 1));
    assertThat(byClient.status()).as(byClient.body()).isEqualTo(403);
    assertThat(byClient.header("Content-Type")).startsWith("application/problem+json");
    assertThat(byClient.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/forbidden");
    assertThat(show(id).get("status").asString()).isEqualTo("queued");

    var byRunner = api.post(null, claimPath(id), claimBody("runner-a", 1));
    assertThat(byRunner.status()).as(byRunner.body()).isEqualTo(200);
  }

  @Test
  void healthNeedsNoSignature() {
    assertThat(api.send(api.unsigned("/actuator/health").GET()).status()).isEqualTo(200);
  }

  private LedgerApi.Response send(String tenantHeader, String method, String path, String body) {
    var builder =
        withTenant(api.unsigned(path), tenantHeader)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return api.send(builder);
  }

  private static HttpRequest.Builder withTenant(HttpRequest.Builder builder, String tenant) {
    return tenant == null ? builder : builder.header(SignedIdentity.TENANT_HEADER, tenant);
  }

  private static void assertUnauthenticated(LedgerApi.Response answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(401);
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    assertThat(answer.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/unauthenticated");
  }
}

package io.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitTests {

  static final Backend LEDGER = EdgeTests.startBackend("ledger");

  @LocalServerPort int port;

  @DynamicPropertySource
  static void tightLimit(DynamicPropertyRegistry registry) {
    registry.add("tasklane.gateway.ledger-url", LEDGER::url);
    registry.add("tasklane.gateway.notifier-url", LEDGER::url);
    registry.add("tasklane.gateway.rate-limit.requests-per-second", () -> "1");
    registry.add("tasklane.gateway.rate-limit.burst", () -> "3");
    EdgeTests.key(registry, 0, "one", "tl_one", "acme", "tasks:read");
    EdgeTests.key(registry, 1, "two", "tl_two", "acme", "tasks:read");
    EdgeTests.key(registry, 2, "ops", "tl_acme_ops", "acme", "tasks:read");
    EdgeTests.key(registry, 3, "ops", "tl_globex_ops", "globex", "tasks:read");
  }

  @AfterAll
  static void stop() {
    LEDGER.close();
  }

  @Test
  void aKeyOverItsRateGets429WithRetryAfterWhileOtherKeysPass() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      responses.add(http.send(get("tl_one"), HttpResponse.BodyHandlers.ofString()));
    }
    var otherKey = http.send(get("tl_two"), HttpResponse.BodyHandlers.ofString());

    assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(200, 200, 200, 429);
    var limited = responses.getLast();
    assertThat(limited.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
    assertThat(limited.body()).contains("https://tasklane.io/problems/rate-limited");
    assertThat(otherKey.statusCode()).isEqualTo(200);
    assertThat(LEDGER.received()).hasSize(4);
  }

  @Test
  void callersOfTheSameNameInTwoTenantsHaveABucketEach() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<Integer> acme = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      acme.add(http.send(get("tl_acme_ops"), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
    var globex = http.send(get("tl_globex_ops"), HttpResponse.BodyHandlers.ofString());

    assertThat(acme).containsExactly(200, 200, 200, 429);
    assertThat(globex.statusCode()).isEqualTo(200);
  }

  private HttpRequest get(String key) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/tasks"))
        .header("X-API-Key", key)
        .GET()
        .build();
  }
}

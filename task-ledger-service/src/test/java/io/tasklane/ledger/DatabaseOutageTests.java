package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.testsupport.TcpProxy;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * While the database cannot be reached the ledger answers 503 problems with {@code Retry-After},
 * never 500, applies nothing, and serves again by itself once the database is back. The ledger
 * reaches PostgreSQL through a proxy the test cuts, so the shared server keeps running.
 */
class DatabaseOutageTests {

  private static final Pattern HOST_PORT = Pattern.compile("//([^/:?]+):(\\d+)/");

  @Test
  void unreachableDatabaseIs503WithRetryAfterAndRecovers() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    TcpProxy[] proxy = new TcpProxy[1];
    try (LedgerProcess ledger =
        LedgerProcess.start(
            "outage",
            url -> {
              Matcher hostPort = HOST_PORT.matcher(url);
              assertThat(hostPort.find()).as(url).isTrue();
              try {
                proxy[0] = new TcpProxy(hostPort.group(1), Integer.parseInt(hostPort.group(2)));
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
              return hostPort.replaceFirst("//127.0.0.1:" + proxy[0].port() + "/");
            },
            "tasklane.ledger.recovery.warm-up=1h",
            "tasklane.ledger.cron.enabled=false")) {
      LedgerApi api = ledger.api();
      var before = api.post(tenant, "/api/v1/tasks", "{\"goal\":\"before the outage\"}");
      assertThat(before.status()).as(before.body()).isEqualTo(201);

      proxy[0].cut();
      var during = api.post(tenant, "/api/v1/tasks", "{\"goal\":\"during the outage\"}");
      assertThat(during.status()).as(during.body()).isEqualTo(503);
      assertThat(during.header("Content-Type")).startsWith("application/problem+json");
      assertThat(during.json().get("type").asString())
          .isEqualTo("https://tasklane.io/problems/unavailable");
      assertThat(during.json().get("status").asInt()).isEqualTo(503);
      assertThat(Long.parseLong(during.header("Retry-After"))).isPositive();
      var read = api.get(tenant, "/api/v1/tasks");
      assertThat(read.status()).as(read.body()).isEqualTo(503);
      assertThat(read.header("Retry-After")).isNotBlank();

      proxy[0].open();
      var after =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> api.post(tenant, "/api/v1/tasks", "{\"goal\":\"after the outage\"}"),
                  response -> response.status() != 503);
      assertThat(after.status()).as(after.body()).isEqualTo(201);

      var listed = api.get(tenant, "/api/v1/tasks?limit=500");
      assertThat(listed.status()).as(listed.body()).isEqualTo(200);
      assertThat(listed.json().get("items").values())
          .extracting(item -> item.get("taskId").asString())
          .containsExactlyInAnyOrder(
              before.json().get("taskId").asString(), after.json().get("taskId").asString());
    } finally {
      if (proxy[0] != null) {
        proxy[0].close();
      }
    }
  }
}

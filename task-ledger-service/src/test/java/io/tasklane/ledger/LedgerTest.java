package io.tasklane.ledger;

import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.TestPostgres;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A ledger on a random port against a real PostgreSQL database and a real Kafka broker. Each test
 * works in a fresh tenant, so tests never see each other's tasks.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class LedgerTest {

  @LocalServerPort protected int port;
  protected LedgerApi api;
  protected String tenant;

  @DynamicPropertySource
  static void realComponents(DynamicPropertyRegistry registry) {
    TestPostgres.get().database("ledger").register(registry);
    TestKafka.get().register(registry);
    registry.add("tasklane.ledger.relay.interval", () -> "50ms");
    registry.add("tasklane.ledger.events.poll-interval", () -> "50ms");
  }

  @BeforeEach
  void freshTenant() {
    api = new LedgerApi(port);
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  }
}

package io.tasklane.ledger;

import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.TestPostgres;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A whole ledger started outside the shared test context, so a test can stop it and start another
 * on the same database, as a crash or a restart does. It does not consume reports.
 */
public final class LedgerProcess implements AutoCloseable {

  private final ConfigurableApplicationContext context;

  private LedgerProcess(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /** Starts a ledger on the test database for {@code purpose}, with extra {@code key=value}s. */
  public static LedgerProcess start(String purpose, String... properties) {
    return start(purpose, UnaryOperator.identity(), properties);
  }

  /**
   * Starts a ledger on the test database for {@code purpose}, reaching it through the JDBC URL that
   * {@code route} makes of the database's own (to go through a proxy, say).
   */
  public static LedgerProcess start(
      String purpose, UnaryOperator<String> route, String... properties) {
    TestPostgres.Database database = TestPostgres.get().database(purpose);
    List<String> settings = new ArrayList<>();
    settings.add("spring.datasource.url=" + route.apply(database.jdbcUrl()));
    settings.add("spring.datasource.username=" + database.username());
    settings.add("spring.datasource.password=" + database.password());
    settings.add("spring.kafka.bootstrap-servers=" + TestKafka.get().bootstrapServers());
    settings.add("spring.kafka.listener.auto-startup=false");
    settings.add("server.port=0");
    if (Arrays.stream(properties).noneMatch(property -> property.startsWith("server.shutdown="))) {
      settings.add("server.shutdown=immediate");
    }
    settings.add("tasklane.ledger.relay.interval=50ms");
    settings.add("tasklane.ledger.events.poll-interval=50ms");
    settings.addAll(List.of(properties));
    // As command-line arguments, so they win over application.yml and the environment.
    return new LedgerProcess(
        new SpringApplicationBuilder(TaskLedgerApplication.class)
            .run(settings.stream().map(setting -> "--" + setting).toArray(String[]::new)));
  }

  public LedgerApi api() {
    return new LedgerApi(
        Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")));
  }

  public JdbcClient jdbc() {
    return context.getBean(JdbcClient.class);
  }

  @Override
  public void close() {
    context.close();
  }
}

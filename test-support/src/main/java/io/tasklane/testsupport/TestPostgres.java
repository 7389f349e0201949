package io.tasklane.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server for tests, with fresh databases that live as long as the test JVM.
 *
 * <p>The server is, in order of preference: the one at {@code TASKLANE_TEST_DB_URL} when that
 * variable is set; a Testcontainers PostgreSQL when a Docker engine is reachable; otherwise the
 * server at {@code jdbc:postgresql://localhost:5432/postgres} (user {@code postgres}, trust auth).
 * Databases are named {@code tasklane_test_<timestamp>_<random>_<purpose>} and dropped when the JVM
 * exits; ones left behind by a killed run are dropped by the next run after six hours.
 */
public final class TestPostgres {

  private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
  private static final String PREFIX = "tasklane_test_";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  private static final Duration ABANDONED_AFTER = Duration.ofHours(6);
  private static volatile TestPostgres instance;

  private final String adminUrl;
  private final String username;
  private final String password;
  private final String runId;
  private final Map<String, Database> databases = new ConcurrentHashMap<>();

  /** Connection settings of one fresh database. */
  public record Database(String name, String jdbcUrl, String username, String password) {

    public Connection connect() throws SQLException {
      return DriverManager.getConnection(jdbcUrl, username, password);
    }

    /** Points a Spring test context's data source at this database. */
    public void register(DynamicPropertyRegistry registry) {
      registry.add("spring.datasource.url", this::jdbcUrl);
      registry.add("spring.datasource.username", this::username);
      registry.add("spring.datasource.password", this::password);
    }
  }

  private TestPostgres(String adminUrl, String username, String password) {
    this.adminUrl = adminUrl;
    this.username = username;
    this.password = password;
    this.runId =
        LocalDateTime.now().format(STAMP) + "_" + UUID.randomUUID().toString().substring(0, 6);
    Runtime.getRuntime().addShutdownHook(new Thread(this::dropAll, "tasklane-test-db-cleanup"));
  }

  /** The server for this test JVM, started or located on first use. */
  public static TestPostgres get() {
    TestPostgres local = instance;
    if (local == null) {
      synchronized (TestPostgres.class) {
        local = instance;
        if (local == null) {
          local = locate();
          local.dropAbandoned();
          instance = local;
        }
      }
    }
    return local;
  }

  /** The default database of this test run. */
  public Database database() {
    return database("main");
  }

  /** A database of this test run for one purpose (one per service in a suite test). */
  public Database database(String purpose) {
    return databases.computeIfAbsent(purpose, this::create);
  }

  private static TestPostgres locate() {
    String url = System.getenv("TASKLANE_TEST_DB_URL");
    String user = envOr("TASKLANE_TEST_DB_USER", "postgres");
    String pass = envOr("TASKLANE_TEST_DB_PASSWORD", "");
    if (url != null && !url.isBlank()) {
      log.info("Test PostgreSQL: {} (TASKLANE_TEST_DB_URL)", url);
      return new TestPostgres(url, user, pass);
    }
    if (dockerReachable()) {
      var container = new PostgreSQLContainer("postgres:17-alpine");
      container.start();
      log.info("Test PostgreSQL: Testcontainers {}", container.getJdbcUrl());
      return new TestPostgres(
          container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
    String fallback = "jdbc:postgresql://localhost:5432/postgres";
    log.info("Test PostgreSQL: {} (no Docker engine, no TASKLANE_TEST_DB_URL)", fallback);
    return new TestPostgres(fallback, user, pass);
  }

  private static boolean dockerReachable() {
    boolean configured =
        System.getenv("DOCKER_HOST") != null
            || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
            || java.nio.file.Files.exists(
                java.nio.file.Path.of(
                    System.getProperty("user.home"), ".docker", "run", "docker.sock"))
            || java.nio.file.Files.exists(
                java.nio.file.Path.of(
                    System.getProperty("user.home"), ".testcontainers.properties"));
    if (!configured) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private Database create(String purpose) {
    String name =
        PREFIX + runId + "_" + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    try (Connection admin = DriverManager.getConnection(adminUrl, username, password)) {
      admin.createStatement().execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot create test database on "
              + adminUrl
              + ": "
              + e.getMessage()
              + ". Start PostgreSQL or set TASKLANE_TEST_DB_URL.",
          e);
    }
    return new Database(name, withDatabase(adminUrl, name), username, password);
  }

  private static String withDatabase(String url, String database) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String params = query < 0 ? "" : url.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
  }

  private void dropAll() {
    databases.values().forEach(db -> drop(db.name()));
  }

  private void dropAbandoned() {
    List<String> stale = new ArrayList<>();
    try (Connection admin = DriverManager.getConnection(adminUrl, username, password);
        var rows =
            admin
                .createStatement()
                .executeQuery(
                    "SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "%'")) {
      while (rows.next()) {
        String name = rows.getString(1);
        if (isAbandoned(name)) {
          stale.add(name);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at "
              + adminUrl
              + " is not reachable: "
              + e.getMessage()
              + ". Start it or set TASKLANE_TEST_DB_URL.",
          e);
    }
    stale.forEach(this::drop);
  }

  private static boolean isAbandoned(String name) {
    String stamp = name.substring(PREFIX.length()).split("_", 2)[0];
    try {
      return LocalDateTime.parse(stamp, STAMP).isBefore(LocalDateTime.now().minus(ABANDONED_AFTER));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private void drop(String name) {
    try (Connection admin = DriverManager.getConnection(adminUrl, username, password)) {
      admin.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      log.warn("Could not drop test database {}: {}", name, e.getMessage());
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}

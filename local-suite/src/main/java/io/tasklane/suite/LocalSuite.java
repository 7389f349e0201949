package io.tasklane.suite;

import io.tasklane.contracts.SignedIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole suite on one machine without Docker: a real KRaft broker in this process, and the four
 * services as child processes (each from its own jar, so their classpaths stay apart), against a
 * PostgreSQL server: the one given, the one on localhost:5432, or else one the suite starts itself
 * with its data under the checkout.
 */
@Command(
    name = "tasklane-local",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = "Runs Kafka and the four Tasklane services locally; Ctrl-C stops everything.")
public final class LocalSuite implements Callable<Integer> {

  private static final String IDENTITY_KEY_ENV = "TASKLANE_IDENTITY_SIGNINGKEY";
  private static final int LOG_TAIL = 25;
  private static final Pattern STACK_FRAME = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ )");

  private static final String LOCAL_SERVER = "jdbc:postgresql://localhost:5432/postgres";

  /** Where the services' databases live. */
  enum Database {
    /**
     * --db-url or TASKLANE_DB_URL when given, else localhost:5432 when it answers, else embedded.
     */
    auto,
    /** A PostgreSQL server the suite starts, its data under --data-dir. */
    embedded,
    /** The server at --db-url (default localhost:5432). */
    server
  }

  @Option(
      names = "--db",
      defaultValue = "auto",
      description = "auto, embedded or server: ${COMPLETION-CANDIDATES}.")
  Database database;

  @Option(
      names = "--db-url",
      defaultValue = "${env:TASKLANE_DB_URL}",
      showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description =
          "Admin JDBC URL of PostgreSQL (TASKLANE_DB_URL); service databases are created beside"
              + " it. Default: localhost:5432 when it answers, else the embedded server.")
  String dbUrl;

  @Option(
      names = "--data-dir",
      description = "The embedded server's data. Default: local-suite/data/postgres under --home.")
  Path dataDirectory;

  @Option(
      names = "--db-user",
      defaultValue = "${env:TASKLANE_DB_USER:-postgres}",
      description = "PostgreSQL user (TASKLANE_DB_USER).")
  String dbUser;

  @Option(
      names = "--db-password",
      defaultValue = "${env:TASKLANE_DB_PASSWORD:-}",
      showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description = "PostgreSQL password (TASKLANE_DB_PASSWORD).")
  String dbPassword;

  @Option(
      names = "--model-url",
      description =
          "Base URL of an OpenAI-compatible endpoint including /v1 (e.g."
              + " http://localhost:8000/v1). Without it, Ollama at --ollama-url is used.")
  String modelUrl;

  @Option(names = "--model", description = "Model name for the executor, planner and verifier.")
  String model;

  @Option(
      names = "--ollama-url",
      defaultValue = "http://localhost:11434",
      description = "Ollama, used when --model-url is not given.")
  String ollamaUrl;

  @Option(names = "--api-key", description = "API key for the local tenant; random when omitted.")
  String apiKey;

  @Option(
      names = "--tenant",
      defaultValue = "local",
      description = "Tenant of the printed API key.")
  String tenant;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Port of the in-process Kafka broker (0: any free port).")
  int kafkaPort;

  @Option(
      names = "--gateway-port",
      defaultValue = "8080",
      description = "The public port; the other services follow it.")
  int gatewayPort;

  @Option(
      names = "--gateway-management-port",
      description = "The gateway's metrics port. Default: gateway port + 10.")
  Integer gatewayManagementPort;

  @Option(names = "--ledger-port", description = "Default: gateway port + 1.")
  Integer ledgerPort;

  @Option(names = "--runner-port", description = "Default: gateway port + 2.")
  Integer runnerPort;

  @Option(names = "--notifier-port", description = "Default: gateway port + 3.")
  Integer notifierPort;

  @Option(
      names = "--ledger-db",
      defaultValue = "tasklane_ledger",
      description = "The ledger's database, created when missing.")
  String ledgerDatabase;

  @Option(
      names = "--notifier-db",
      defaultValue = "tasklane_notifier",
      description = "The notifier's database, created when missing.")
  String notifierDatabase;

  @Option(
      names = "--services",
      split = ",",
      defaultValue = "ledger,notifier,runner,gateway",
      description = "Which services to start (default: all).")
  List<String> services;

  @Option(
      names = "--home",
      defaultValue = "${sys:tasklane.home:-.}",
      description = "The checkout whose module jars are started.")
  Path home;

  @Option(
      names = "--set",
      description = "Extra property for a service: service:key=value (repeatable).")
  List<String> extraProperties = new ArrayList<>();

  private final Map<String, Process> children = new LinkedHashMap<>();
  private LocalBroker broker;
  private EmbeddedDatabase embeddedDatabase;
  private String signingKey;
  private String modelReport = "";

  public static void main(String[] args) {
    System.exit(new CommandLine(new LocalSuite()).execute(args));
  }

  /** Parses command-line options into a suite that has not started yet. */
  public static LocalSuite fromArguments(String... args) {
    LocalSuite suite = new LocalSuite();
    new CommandLine(suite).parseArgs(args);
    return suite;
  }

  @Override
  public Integer call() throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "tasklane-local-stop"));
    String key;
    try {
      key = start();
    } catch (IllegalStateException e) {
      stop();
      System.err.println(e.getMessage());
      return 2;
    }
    printWelcome(key);
    new CountDownLatch(1).await();
    return 0;
  }

  /**
   * Starts the broker and the services and waits until every service is ready; returns the API key
   * of the local tenant.
   */
  public String start() throws Exception {
    chooseDatabase();
    if (!createDatabases()) {
      throw new IllegalStateException("Tasklane did not start: PostgreSQL is not reachable.");
    }
    String bootstrap = startBroker();
    String key = apiKey != null ? apiKey : "tl_" + HexFormat.of().formatHex(randomBytes(24));
    signingKey = signingKey();
    for (String service : services) {
      start(service, serviceArguments(service, bootstrap, key));
    }
    for (String service : services) {
      awaitReady(service, port(service));
    }
    if (services.contains("runner")) {
      modelReport = ModelReport.of(port("runner")).describe();
      System.out.println(modelReport);
    }
    return key;
  }

  /**
   * Decides which PostgreSQL the services use and, for the embedded one, starts it; {@link #dbUrl}
   * is the admin URL afterwards.
   */
  private void chooseDatabase() throws IOException {
    boolean embedded =
        switch (database) {
          case embedded -> true;
          case server -> false;
          case auto -> dbUrl == null && !EmbeddedDatabase.listening("localhost", 5432);
        };
    if (!embedded) {
      if (dbUrl == null) {
        dbUrl = LOCAL_SERVER;
      }
      return;
    }
    Path data = dataDirectory != null ? dataDirectory : home.resolve("local-suite/data/postgres");
    System.out.println("Starting the embedded PostgreSQL (data: " + data + ") ...");
    embeddedDatabase = EmbeddedDatabase.start(data, logs().resolve("postgres.log"));
    dbUrl = embeddedDatabase.adminUrl();
    dbUser = "postgres";
    dbPassword = "";
    System.out.println("PostgreSQL is ready at " + dbUrl);
  }

  /** What the start-up said about the runner's model endpoints (empty without a runner). */
  public String modelReport() {
    return modelReport;
  }

  /** The admin JDBC URL of the PostgreSQL in use, once started. */
  public String databaseUrl() {
    return dbUrl;
  }

  /** Where a service's log is written while the suite runs. */
  public Path logFile(String service) {
    return logs().resolve(service + ".log");
  }

  private Path logs() {
    return home.resolve("local-suite/target/logs");
  }

  /**
   * The key the services sign and check internal identities with: {@code
   * TASKLANE_IDENTITY_SIGNINGKEY} when set, else a new random one for this start. It reaches the
   * services through their environment only, never their command line or the console.
   */
  private static String signingKey() {
    String configured = System.getenv(IDENTITY_KEY_ENV);
    return configured != null && !configured.isBlank()
        ? configured
        : HexFormat.of().formatHex(randomBytes(32));
  }

  /** Signs identities as the suite's gateway and runners do, once started (for tests). */
  public SignedIdentity identitySigning() {
    if (signingKey == null) {
      throw new IllegalStateException("The suite has not started");
    }
    return new SignedIdentity(signingKey, SignedIdentity.DEFAULT_MAX_AGE);
  }

  /** The broker's bootstrap address, once started. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The port a service listens on. */
  public int port(String service) {
    return switch (service) {
      case "gateway" -> gatewayPort;
      case "ledger" -> ledgerPort != null ? ledgerPort : gatewayPort + 1;
      case "runner" -> runnerPort != null ? runnerPort : gatewayPort + 2;
      case "notifier" -> notifierPort != null ? notifierPort : gatewayPort + 3;
      default -> throw new IllegalArgumentException("Unknown service '" + service + "'");
    };
  }

  /** The port a service serves its metrics on: the gateway has a management port of its own. */
  public int metricsPort(String service) {
    if (!service.equals("gateway")) {
      return port(service);
    }
    return gatewayManagementPort != null ? gatewayManagementPort : gatewayPort + 10;
  }

  private List<String> serviceArguments(String service, String bootstrap, String key)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--server.port=" + port(service));
    args.add("--spring.kafka.bootstrap-servers=" + bootstrap);
    switch (service) {
      case "ledger" -> dataSource(args, ledgerDatabase);
      case "notifier" -> {
        dataSource(args, notifierDatabase);
        args.add(
            "--tasklane.notifier.task-url-template=http://localhost:"
                + gatewayPort
                + "/api/v1/tasks/{taskId}");
        // operators' answers from Telegram and the session webhook go to the ledger
        args.add("--tasklane.notifier.answers.ledger-url=http://localhost:" + port("ledger"));
      }
      case "runner" -> {
        String executor = "--tasklane.runner.models.executor.";
        args.add("--tasklane.runner.ledger-url=http://localhost:" + port("ledger"));
        // the buckets behind the dashboard's model-round and tool-call percentiles, as in Compose
        for (String timer : List.of("tasklane.runner.model.round", "tasklane.runner.tool.calls")) {
          args.add("--management.metrics.distribution.percentiles-histogram." + timer + "=true");
        }
        if (modelUrl != null) {
          args.add(executor + "provider=openai");
          args.add(executor + "base-url=" + modelUrl);
        } else {
          args.add(executor + "provider=ollama");
          args.add(executor + "base-url=" + ollamaUrl);
        }
        if (model != null) {
          args.add(executor + "model=" + model);
        }
      }
      case "gateway" -> {
        args.add("--tasklane.gateway.ledger-url=http://localhost:" + port("ledger"));
        args.add("--tasklane.gateway.notifier-url=http://localhost:" + port("notifier"));
        args.add("--management.server.port=" + metricsPort(service));
        args.add("--tasklane.gateway.api-keys[0].name=local");
        args.add("--tasklane.gateway.api-keys[0].hash=" + sha256(key));
        args.add("--tasklane.gateway.api-keys[0].tenant=" + tenant);
        args.add("--tasklane.gateway.api-keys[0].scopes=tasks:read,tasks:write,admin");
      }
      default -> throw new IllegalArgumentException("Unknown service '" + service + "'");
    }
    for (String extra : extraProperties) {
      if (extra.startsWith(service + ":")) {
        args.add("--" + extra.substring(service.length() + 1));
      }
    }
    return args;
  }

  private void dataSource(List<String> args, String database) {
    args.add("--spring.datasource.url=" + withDatabase(dbUrl, database));
    args.add("--spring.datasource.username=" + dbUser);
    args.add("--spring.datasource.password=" + dbPassword);
  }

  private boolean createDatabases() {
    try (var admin = DriverManager.getConnection(dbUrl, dbUser, dbPassword)) {
      for (String database : List.of(ledgerDatabase, notifierDatabase)) {
        var exists = admin.prepareStatement("select 1 from pg_database where datname = ?");
        exists.setString(1, database);
        if (!exists.executeQuery().next()) {
          admin.createStatement().execute("create database " + database);
          System.out.println("Created database " + database);
        }
      }
      return true;
    } catch (SQLException e) {
      System.err.println(
          "PostgreSQL is not reachable at "
              + dbUrl
              + " ("
              + e.getMessage()
              + ").\nStart PostgreSQL or point TASKLANE_DB_URL (or --db-url) at a server, e.g."
              + " jdbc:postgresql://localhost:5432/postgres");
      return false;
    }
  }

  private String startBroker() throws IOException {
    System.out.println("Starting Kafka (KRaft) on port " + kafkaPort + " ...");
    broker = LocalBroker.start(Files.createTempDirectory("tasklane-kafka"), kafkaPort);
    return broker.bootstrapServers();
  }

  /**
   * Stops the broker and starts it again on the same port with the same log, the services running
   * on meanwhile; {@code down} is how long it stays stopped.
   */
  public void restartBroker(Duration down) throws InterruptedException {
    broker.stop();
    Thread.sleep(down);
    broker.restart();
  }

  private void start(String service, List<String> args) throws Exception {
    Path jar = jarOf(service);
    Path logs = logs();
    Files.createDirectories(logs);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(service + ".log").toFile());
    builder.environment().put(IDENTITY_KEY_ENV, signingKey);
    Process process = builder.start();
    children.put(service, process);
    System.out.println("Started " + service + " (logs: " + logs.resolve(service + ".log") + ")");
  }

  private Path jarOf(String service) throws Exception {
    String module = service.equals("ledger") ? "task-ledger-service" : service + "-service";
    Path target = home.resolve(module).resolve("target");
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "No jar for "
                          + service
                          + " under "
                          + target
                          + "; build first: ./mvnw -DskipTests package"));
    }
  }

  private void awaitReady(String service, int port) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    URI health = URI.create("http://localhost:" + port + "/actuator/health/readiness");
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        var response =
            http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          System.out.println(service + " is ready on port " + port);
          return;
        }
      } catch (Exception e) {
        // not listening yet
      }
      for (var child : children.entrySet()) {
        if (!child.getValue().isAlive()) {
          throw new IllegalStateException(exitedDuringStartUp(child.getKey()));
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(service + " did not become ready within 3 minutes");
  }

  /**
   * Which service stopped, how, and the end of its log without stack frames: the error and its
   * causes, where the reason usually is.
   */
  private String exitedDuringStartUp(String service) {
    Path log = logs().resolve(service + ".log");
    StringBuilder message =
        new StringBuilder(
            service
                + " exited during start-up (exit code "
                + children.get(service).exitValue()
                + "). The end of "
                + log
                + ":\n");
    try {
      List<String> lines =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .filter(line -> !STACK_FRAME.matcher(line).find())
              .toList();
      for (String line : lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size())) {
        message.append("  | ").append(line).append('\n');
      }
    } catch (IOException | RuntimeException e) {
      message.append("  (the log cannot be read: ").append(e.getMessage()).append(")\n");
    }
    return message.toString();
  }

  private void printWelcome(String key) {
    String api = "http://localhost:" + gatewayPort;
    System.out.println();
    System.out.println("Tasklane is running.");
    if (services.contains("gateway")) {
      System.out.println("  API:       " + api + "/api/v1");
      System.out.println("  API docs:  " + api + "/swagger-ui.html");
      System.out.println("  Tenant:    " + tenant);
      System.out.println("  API key:   " + key);
      System.out.println(
          "  Try:       curl -H 'Authorization: Bearer " + key + "' " + api + "/api/v1/tasks");
    }
    for (String service : services) {
      System.out.println(
          "  Metrics:   http://localhost:"
              + metricsPort(service)
              + "/actuator/prometheus ("
              + service
              + ")");
    }
    System.out.println("Press Ctrl-C to stop.");
  }

  /** Stops the services, then the broker, then the embedded database. */
  public synchronized void stop() {
    if (broker != null) {
      silenceBroker();
    }
    for (Process child : children.values()) {
      child.destroy();
    }
    for (Process child : children.values()) {
      try {
        if (!child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      } catch (InterruptedException e) {
        child.destroyForcibly();
      }
    }
    if (broker != null) {
      stopBrokerQuietly();
    }
    if (embeddedDatabase != null) {
      try {
        embeddedDatabase.close();
      } catch (IOException e) {
        System.err.println("The embedded PostgreSQL did not stop cleanly: " + e.getMessage());
      }
    }
    boolean started = !children.isEmpty() || broker != null || embeddedDatabase != null;
    children.clear();
    broker = null;
    embeddedDatabase = null;
    if (started) {
      System.out.println("Tasklane stopped.");
    }
  }

  private void stopBrokerQuietly() {
    try {
      broker.close();
      deleteRecursively(broker.logDirectory());
    } catch (IOException | RuntimeException e) {
      System.err.println("The Kafka broker did not stop cleanly: " + e);
    }
  }

  /**
   * A broker being stopped complains at length (its partitions, its coordinators, its temporary
   * directories going away under it); the suite stops it on purpose, so none of that is news.
   */
  private static void silenceBroker() {
    var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
    for (String name : List.of("org.apache.kafka", "kafka", "state.change.logger")) {
      context.getLogger(name).setLevel(ch.qos.logback.classic.Level.OFF);
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static String withDatabase(String url, String database) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String params = query < 0 ? "" : url.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
  }

  static String sha256(String text) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}

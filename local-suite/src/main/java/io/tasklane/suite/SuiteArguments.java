package io.tasklane.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a {@link LocalSuite} started from code, for {@link LocalSuite#fromArguments}:
 * Kafka and every service on free ports (read a service's back with {@link LocalSuite#port}), API
 * keys given in clear and passed on hashed.
 */
public final class SuiteArguments {

  private static final List<String> ALL_SERVICES =
      List.of("gateway", "ledger", "runner", "notifier");

  private final List<String> args = new ArrayList<>(List.of("--kafka-port", "0"));
  private int nextApiKey = 1;

  private SuiteArguments(List<String> services) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (String service : services) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        args.addAll(List.of("--" + service + "-port", Integer.toString(socket.getLocalPort())));
      }
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All four services. */
  public static SuiteArguments allServices() {
    return new SuiteArguments(ALL_SERVICES);
  }

  /** Only {@code services}. */
  public static SuiteArguments services(String... services) {
    SuiteArguments suite = new SuiteArguments(List.of(services));
    suite.args.addAll(List.of("--services", String.join(",", services)));
    return suite;
  }

  /** The PostgreSQL server, by the URL of any database on it. */
  public SuiteArguments postgres(String url, String user, String password) {
    return add("--db-url", url, "--db-user", user, "--db-password", password);
  }

  /** The embedded PostgreSQL, its data in {@code dataDirectory}. */
  public SuiteArguments embeddedDatabase(Path dataDirectory) {
    return add("--db", "embedded", "--data-dir", dataDirectory.toString());
  }

  public SuiteArguments databases(String ledger, String notifier) {
    return add("--ledger-db", ledger, "--notifier-db", notifier);
  }

  /** The checkout whose module jars are started. */
  public SuiteArguments home(Path home) {
    return add("--home", home.toString());
  }

  /** The OpenAI-compatible endpoint and model the runner uses. */
  public SuiteArguments model(String url, String model) {
    return add("--model-url", url, "--model", model);
  }

  /** The tenant and key the suite starts with, the key with every scope. */
  public SuiteArguments tenant(String tenant, String apiKey) {
    return add("--tenant", tenant, "--api-key", apiKey);
  }

  /** One more gateway API key; {@code scopes} comma-separated. */
  public SuiteArguments apiKey(String name, String key, String tenant, String scopes) {
    String prefix = "tasklane.gateway.api-keys[" + nextApiKey++ + "].";
    return set("gateway", prefix + "name", name)
        .set("gateway", prefix + "hash", LocalSuite.sha256(key))
        .set("gateway", prefix + "tenant", tenant)
        .set("gateway", prefix + "scopes", scopes);
  }

  /** A property of one service. */
  public SuiteArguments set(String service, String property, String value) {
    return add("--set", service + ":" + property + "=" + value);
  }

  public String[] toArray() {
    return args.toArray(String[]::new);
  }

  private SuiteArguments add(String... more) {
    args.addAll(List.of(more));
    return this;
  }
}

package io.tasklane.suite;

import io.tasklane.contracts.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real KRaft node (broker and controller in one) in this process, on a fixed port with its log
 * in a directory of its own, so it can be stopped and started again on the same port and the same
 * log: what a broker restart looks like to the services. The Tasklane topics are created on first
 * start.
 */
public final class LocalBroker implements AutoCloseable {

  private static final int PARTITIONS = 3;
  private static final int NODE_ID = 1;

  private final Path logDirectory;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  private LocalBroker(Path logDirectory, int port, int controllerPort) {
    this.logDirectory = logDirectory;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Starts a node on {@code port} (0: any free port) with its log under {@code logDirectory}, which
   * is formatted when it holds no log yet, and creates the Tasklane topics.
   */
  public static LocalBroker start(Path logDirectory, int port) throws IOException {
    int[] free = freePorts();
    LocalBroker broker = new LocalBroker(logDirectory, port == 0 ? free[0] : port, free[1]);
    broker.format();
    broker.startServer();
    broker.createTopics();
    return broker;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path logDirectory() {
    return logDirectory;
  }

  /** Whether the node is serving (started and not stopped). */
  public synchronized boolean running() {
    return server != null;
  }

  /** Stops the node (a controlled shutdown); its port and log stay for {@link #restart()}. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts a stopped node again on the same port with the same log. */
  public synchronized void restart() {
    if (server == null) {
      startServer();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void format() throws IOException {
    Files.createDirectories(logDirectory);
    if (Files.exists(logDirectory.resolve("meta.properties"))) {
      return;
    }
    try {
      new Formatter()
          .setPrintStream(System.out)
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDirectory.toString()))
          .setMetadataLogDirectory(logDirectory.toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setControllerListenerName("CONTROLLER")
          .run();
    } catch (Exception e) {
      throw new IOException("Cannot format the Kafka log in " + logDirectory, e);
    }
  }

  private synchronized void startServer() {
    Properties config = new Properties();
    config.put("process.roles", "broker,controller");
    config.put("node.id", Integer.toString(NODE_ID));
    config.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    config.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("log.dirs", logDirectory.toString());
    config.put("num.partitions", Integer.toString(PARTITIONS));
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", Integer.toString(PARTITIONS));
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    // a restart must find every acknowledged record, so it is on disk before it is acknowledged
    config.put("log.flush.interval.messages", "1");
    KafkaRaftServer started = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
    started.startup();
    server = started;
  }

  private void createTopics() throws IOException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      List<NewTopic> topics =
          List.of(
                  Topics.TASK_DISPATCH,
                  Topics.TASK_CONTROL,
                  Topics.RUNNER_REPORTS,
                  Topics.TASK_LIFECYCLE,
                  Topics.DELIVERY_REPORTS)
              .stream()
              .map(name -> new NewTopic(name, PARTITIONS, (short) 1))
              .toList();
      for (var created : admin.createTopics(topics).values().values()) {
        try {
          created.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IOException("Cannot create the Tasklane topics", e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while creating the Tasklane topics", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("The broker did not create the Tasklane topics in time", e);
    }
  }

  /** Two distinct free ports (both held open while chosen, so they cannot be the same). */
  private static int[] freePorts() throws IOException {
    try (ServerSocket first = new ServerSocket(0);
        ServerSocket second = new ServerSocket(0)) {
      return new int[] {first.getLocalPort(), second.getLocalPort()};
    }
  }
}

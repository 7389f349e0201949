package io.tasklane.suite;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real PostgreSQL server (binaries from a Maven artifact) the suite starts when no server is
 * given or running, with its data in a directory that outlives the suite, so a second start finds
 * the tasks of the first.
 */
final class EmbeddedDatabase implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static EmbeddedDatabase start(Path dataDirectory, Path log) throws IOException {
    Files.createDirectories(dataDirectory);
    Files.createDirectories(log.getParent());
    stopLeftOverServer(dataDirectory);
    Redirect toLog = Redirect.appendTo(log.toFile());
    return new EmbeddedDatabase(
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            .setRegisterShutdownHook(false)
            .setPGStartupWait(Duration.ofMinutes(1))
            .setOutputRedirector(toLog)
            .setErrorRedirector(toLog)
            .start());
  }

  /**
   * A suite that was killed leaves its server running, and a new one cannot start on the same data
   * until it stops. Whether a suite is still running is told by the lock it holds on the directory:
   * only when nobody holds it is the server a left-over, and stopped (smart shutdown).
   */
  private static void stopLeftOverServer(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    try (FileChannel lock =
            FileChannel.open(
                dataDirectory.resolve("epg-lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock held = lock.tryLock()) {
      if (held == null) {
        throw new IllegalStateException(
            "Another suite is using the embedded PostgreSQL data in " + dataDirectory);
      }
      List<String> lines = Files.readAllLines(pidFile);
      Optional<ProcessHandle> server =
          lines.isEmpty()
              ? Optional.empty()
              : ProcessHandle.of(Long.parseLong(lines.getFirst().strip()))
                  .filter(p -> p.info().command().orElse("").endsWith("postgres"));
      if (server.isPresent()) {
        System.out.println(
            "Stopping the PostgreSQL an earlier suite left running (pid "
                + server.get().pid()
                + ")");
        server.get().destroy();
        server.get().onExit().get(30, TimeUnit.SECONDS);
      }
    } catch (NumberFormatException | ExecutionException | TimeoutException e) {
      throw new IOException("Cannot stop the PostgreSQL left running on " + dataDirectory, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted", e);
    }
  }

  /** Whether anything accepts connections on {@code host:port}, PostgreSQL or not. */
  static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The admin JDBC URL (database {@code postgres}, user {@code postgres}, no password). */
  String adminUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}

package io.tasklane.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain socket listening on every local address (so 127.0.0.0/8 and ::1 alike) that counts the
 * connections it accepts and answers each with a tiny HTTP response: the target a refused fetch
 * must never reach. {@code GET /redirect?to=URL} answers a 302 to that URL.
 */
public final class LoopbackListener implements AutoCloseable {

  private final ServerSocket server;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<String> hostHeaders = new CopyOnWriteArrayList<>();

  private LoopbackListener(ServerSocket server) {
    this.server = server;
    Thread.ofVirtual().start(this::serve);
  }

  public static LoopbackListener start() {
    try {
      return new LoopbackListener(new ServerSocket(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  public int accepted() {
    return accepted.get();
  }

  public List<String> hostHeaders() {
    return List.copyOf(hostHeaders);
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        accepted.incrementAndGet();
        answer(socket);
      } catch (IOException e) {
        // closed, or a client that went away
      }
    }
  }

  private void answer(Socket socket) throws IOException {
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    String requestLine = in.readLine();
    long contentLength = 0;
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      if (line.regionMatches(true, 0, "host:", 0, 5)) {
        hostHeaders.add(line.substring(5).trim());
      } else if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        contentLength = Long.parseLong(line.substring(15).trim());
      }
    }
    // read a posted body before answering, so closing the socket does not reset the connection
    // (one byte is one character in ISO-8859-1)
    for (long left = contentLength; left > 0 && in.read() >= 0; left--) {}
    String target = requestLine == null ? "" : requestLine.split(" ")[1];
    String response =
        target.startsWith("/redirect?to=")
            ? "HTTP/1.1 302 Found\r\nLocation: "
                + target.substring("/redirect?to=".length())
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n"
                + "Connection: close\r\n\r\nloopback reply";
    OutputStream out = socket.getOutputStream();
    out.write(response.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

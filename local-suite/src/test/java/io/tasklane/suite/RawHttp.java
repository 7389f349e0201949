package io.tasklane.suite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given, so a test can send what no HTTP client
 * library would: broken request lines, undecodable paths, conflicting lengths, bad chunking.
 */
final class RawHttp {

  /** What came back: the first response's status, headers and (raw) body. */
  record Answer(int status, Map<String, String> headers, String body) {

    String contentType() {
      return headers.getOrDefault("content-type", "");
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + (body.length() > 300 ? body.substring(0, 300) : body);
    }
  }

  private RawHttp() {}

  /** Sends {@code request} to localhost:{@code port} and reads until the server closes. */
  static Answer send(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // the server may answer and close before it has read all of an oversized request
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      // A server still waiting for the rest of a truncated request gets end of input after a
      // while; one that answered closes (every request asks for Connection: close).
      socket.setSoTimeout(3_000);
      boolean halfClosed = false;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        try {
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          bytes.write(buffer, 0, n);
        } catch (SocketTimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IOException("no complete answer within 30 s; got: " + bytes, e);
          }
          if (!halfClosed && bytes.size() == 0) {
            socket.shutdownOutput();
            halfClosed = true;
          }
        } catch (IOException e) {
          break;
        }
      }
      return parse(bytes.toString(StandardCharsets.ISO_8859_1));
    }
  }

  private static Answer parse(String text) {
    while (text.startsWith("HTTP/1.1 1")) {
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        break;
      }
      text = text.substring(end + 4);
    }
    int headEnd = text.indexOf("\r\n\r\n");
    String head = headEnd < 0 ? text : text.substring(0, headEnd);
    String[] lines = head.split("\r\n");
    int status = -1;
    if (lines[0].startsWith("HTTP/1.") && lines[0].length() >= 12) {
      status = Integer.parseInt(lines[0].substring(9, 12));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.putIfAbsent(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    String body = headEnd < 0 ? "" : text.substring(headEnd + 4);
    if (headers.getOrDefault("transfer-encoding", "").equalsIgnoreCase("chunked")) {
      body = dechunked(body);
    }
    return new Answer(status, headers, body);
  }

  /** The body without its chunk framing, so a chunk boundary never splits what a test looks for. */
  private static String dechunked(String framed) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = framed.indexOf("\r\n", at);
      if (lineEnd < 0) {
        return framed;
      }
      int size;
      try {
        size = Integer.parseInt(framed.substring(at, lineEnd).split(";")[0].trim(), 16);
      } catch (NumberFormatException e) {
        return framed;
      }
      if (size == 0) {
        return body.toString();
      }
      int start = lineEnd + 2;
      if (start + size > framed.length()) {
        return framed;
      }
      body.append(framed, start, start + size);
      at = start + size + 2;
    }
  }
}

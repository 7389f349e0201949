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
      socket.setSoTimeout(20_000);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        socket.shutdownOutput();
      } catch (IOException e) {
        // the server may answer and close before it has read all of an oversized request
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          bytes.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        throw new IOException("no complete answer within 20 s; got: " + bytes, e);
      } catch (IOException e) {
        // a reset after the answer
      }
      return parse(bytes.toString(StandardCharsets.ISO_8859_1));
    }
  }

  private static Answer parse(String text) {
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
    return new Answer(status, headers, headEnd < 0 ? "" : text.substring(headEnd + 4));
  }
}

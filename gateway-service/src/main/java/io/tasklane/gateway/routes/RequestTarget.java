package io.tasklane.gateway.routes;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * The one reading of a request's path and query that everything at the edge decides on: the path is
 * percent-decoded exactly once and written back in a single canonical spelling, and anything that
 * could be read two ways is refused instead of interpreted.
 *
 * <p>Refused: characters outside RFC 3986, malformed escapes, an escape left after decoding (double
 * encoding), encoded {@code /} or {@code \}, control characters, {@code ;} (matrix parameters, and
 * {@code ..;}), empty segments ({@code //}, a trailing {@code /}), {@code .} and {@code ..}
 * segments, segments ending in a dot, and overlong paths and segments.
 */
public sealed interface RequestTarget {

  int MAX_PATH_CHARS = 1024;
  int MAX_SEGMENT_CHARS = 256;
  int MAX_QUERY_CHARS = 2048;

  /** A path (and query) every layer reads the same way. */
  record Canonical(List<String> segments, String path, String rawQuery) implements RequestTarget {

    /** The path and query to forward, exactly as decided on. */
    public String pathAndQuery() {
      return rawQuery == null ? path : path + "?" + rawQuery;
    }
  }

  /** Why a request target was refused, as the problem the client receives. */
  record Rejected(HttpStatus status, String slug, String detail) implements RequestTarget {}

  /**
   * @param rawPath the path as it came on the request line, still percent-encoded
   * @param rawQuery the query as it came, without {@code ?}; null when there is none
   */
  static RequestTarget of(String rawPath, String rawQuery) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return invalidPath("The path must start with '/'");
    }
    if (rawPath.length() > MAX_PATH_CHARS) {
      return tooLong("The path is longer than " + MAX_PATH_CHARS + " characters");
    }
    Rejected query = checkQuery(rawQuery);
    if (query != null) {
      return query;
    }
    if (rawPath.equals("/")) {
      return new Canonical(List.of(), "/", rawQuery);
    }
    List<String> segments = new ArrayList<>();
    StringBuilder canonical = new StringBuilder(rawPath.length());
    for (String raw : rawPath.substring(1).split("/", -1)) {
      if (raw.isEmpty()) {
        return invalidPath("The path has an empty segment ('//' or a trailing '/')");
      }
      String segment;
      try {
        segment = decodeSegment(raw);
      } catch (IllegalArgumentException e) {
        return invalidPath(e.getMessage());
      }
      if (segment.length() > MAX_SEGMENT_CHARS) {
        return tooLong("A path segment is longer than " + MAX_SEGMENT_CHARS + " characters");
      }
      if (segment.equals(".") || segment.equals("..")) {
        return invalidPath("The path has a '.' or '..' segment");
      }
      if (segment.endsWith(".")) {
        return invalidPath("A path segment ends with '.'");
      }
      segments.add(segment);
      canonical.append('/').append(encodeSegment(segment));
    }
    return new Canonical(List.copyOf(segments), canonical.toString(), rawQuery);
  }

  private static String decodeSegment(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int value = escape(raw, i);
        if (value < 0) {
          throw new IllegalArgumentException("The path has a malformed percent-escape");
        }
        switch (value) {
          case '/', '\\' ->
              throw new IllegalArgumentException("The path has an encoded '/' or '\\'");
          case '%' -> throw new IllegalArgumentException("The path is percent-encoded twice");
          case ';' -> throw new IllegalArgumentException("The path has an encoded ';'");
          default -> {
            if (value < 0x20 || value == 0x7f) {
              throw new IllegalArgumentException("The path has an encoded control character");
            }
          }
        }
        bytes.write(value);
        i += 2;
      } else if (c == ';') {
        throw new IllegalArgumentException("The path has a ';' (matrix parameters are refused)");
      } else if (isPathChar(c)) {
        bytes.write(c);
      } else {
        throw new IllegalArgumentException("The path has a character that must be encoded");
      }
    }
    try {
      String decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
      if (decoded.codePoints().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("The path has an encoded control character");
      }
      return decoded;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("The path's escapes are not UTF-8");
    }
  }

  private static Rejected checkQuery(String rawQuery) {
    if (rawQuery == null) {
      return null;
    }
    if (rawQuery.length() > MAX_QUERY_CHARS) {
      return tooLong("The query is longer than " + MAX_QUERY_CHARS + " characters");
    }
    for (int i = 0; i < rawQuery.length(); i++) {
      char c = rawQuery.charAt(i);
      if (c == '%') {
        int value = escape(rawQuery, i);
        if (value < 0) {
          return invalidQuery("The query has a malformed percent-escape");
        }
        if (value < 0x20 || value == 0x7f) {
          return invalidQuery("The query has an encoded control character");
        }
        i += 2;
      } else if (!isPathChar(c) && c != ';' && c != '/' && c != '?') {
        return invalidQuery("The query has a character that must be encoded");
      }
    }
    return null;
  }

  /** The byte a {@code %XX} at {@code i} stands for, or -1 when it is not one. */
  private static int escape(String text, int i) {
    if (i + 2 >= text.length()) {
      return -1;
    }
    int high = Character.digit(text.charAt(i + 1), 16);
    int low = Character.digit(text.charAt(i + 2), 16);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
  }

  /** RFC 3986 pchar without {@code %} and {@code ;}: unreserved, sub-delims, ':' and '@'. */
  private static boolean isPathChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,=:@".indexOf(c) >= 0;
  }

  private static String encodeSegment(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && isPathChar(c)) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static Rejected invalidPath(String detail) {
    return new Rejected(HttpStatus.BAD_REQUEST, "invalid-path", detail);
  }

  private static Rejected invalidQuery(String detail) {
    return new Rejected(HttpStatus.BAD_REQUEST, "invalid-query", detail);
  }

  private static Rejected tooLong(String detail) {
    return new Rejected(HttpStatus.URI_TOO_LONG, "uri-too-long", detail);
  }
}

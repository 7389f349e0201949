package io.tasklane.contracts;

/**
 * The stable {@code type} URIs of Tasklane's RFC 9457 problems for answers that only have a status
 * to go on (the servlet container's own rejections, a request no handler took), and a minimal
 * problem document for places that cannot use a JSON library.
 */
public final class ProblemTypes {

  public static final String BASE = "https://tasklane.io/problems/";

  private ProblemTypes() {}

  /** The problem slug for an HTTP error status. */
  public static String slug(int status) {
    return switch (status) {
      case 400 -> "bad-request";
      case 401 -> "unauthenticated";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 406 -> "not-acceptable";
      case 408 -> "request-timeout";
      case 413 -> "payload-too-large";
      case 414 -> "uri-too-long";
      case 415 -> "unsupported-media-type";
      case 431 -> "headers-too-large";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal" : "bad-request";
    };
  }

  /** A short title for an HTTP error status. */
  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Authentication required";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 406 -> "Not acceptable";
      case 408 -> "Request timeout";
      case 413 -> "Request body too large";
      case 414 -> "URI too long";
      case 415 -> "Unsupported media type";
      case 431 -> "Request headers too large";
      case 503 -> "Service unavailable";
      default -> status >= 500 ? "Internal error" : "Bad request";
    };
  }

  /** The problem document for {@code status}, as JSON text. */
  public static String json(int status, String detail) {
    return "{\"type\":\""
        + BASE
        + slug(status)
        + "\",\"title\":\""
        + escape(title(status))
        + "\",\"status\":"
        + status
        + ",\"detail\":\""
        + escape(detail)
        + "\"}";
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}

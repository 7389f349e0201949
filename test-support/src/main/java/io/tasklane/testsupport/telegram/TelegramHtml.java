package io.tasklane.testsupport.telegram;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Parses Bot API HTML the way Telegram does for the checks that matter: only the supported tags,
 * balanced, and {@code <}, {@code >}, {@code &} written as entities. Returns the text a reader
 * sees.
 */
final class TelegramHtml {

  private static final Set<String> SUPPORTED =
      Set.of(
          "b",
          "strong",
          "i",
          "em",
          "u",
          "ins",
          "s",
          "strike",
          "del",
          "a",
          "code",
          "pre",
          "tg-spoiler",
          "span",
          "blockquote",
          "tg-emoji");

  static final class ParseError extends Exception {
    ParseError(String message) {
      super(message);
    }
  }

  private TelegramHtml() {}

  static String render(String html) throws ParseError {
    var visible = new StringBuilder();
    Deque<String> open = new ArrayDeque<>();
    int i = 0;
    while (i < html.length()) {
      char c = html.charAt(i);
      if (c == '<') {
        int end = html.indexOf('>', i);
        if (end < 0) {
          throw new ParseError("Unclosed start tag at byte offset " + i);
        }
        String tag = html.substring(i + 1, end).strip();
        if (tag.startsWith("/")) {
          String name = tag.substring(1).strip();
          if (open.isEmpty() || !open.peek().equals(name)) {
            throw new ParseError(
                "Unmatched end tag at byte offset " + i + ", expected \"</" + open.peek() + ">\"");
          }
          open.pop();
        } else {
          String name = tag.split("\\s", 2)[0];
          if (!SUPPORTED.contains(name)) {
            throw new ParseError("Unsupported start tag \"" + name + "\" at byte offset " + i);
          }
          open.push(name);
        }
        i = end + 1;
      } else if (c == '&') {
        int end = html.indexOf(';', i);
        if (end < 0) {
          throw new ParseError("Character '&' is reserved and must be escaped at byte offset " + i);
        }
        String entity = html.substring(i + 1, end);
        visible.append(decode(entity, i));
        i = end + 1;
      } else if (c == '>') {
        throw new ParseError("Character '>' is reserved and must be escaped at byte offset " + i);
      } else {
        visible.append(c);
        i++;
      }
    }
    if (!open.isEmpty()) {
      throw new ParseError("Can't find end tag corresponding to start tag \"" + open.peek() + "\"");
    }
    return visible.toString();
  }

  private static String decode(String entity, int offset) throws ParseError {
    return switch (entity) {
      case "lt" -> "<";
      case "gt" -> ">";
      case "amp" -> "&";
      case "quot" -> "\"";
      default -> {
        try {
          if (entity.startsWith("#x") && entity.length() > 2) {
            yield Character.toString(Integer.parseInt(entity.substring(2), 16));
          }
          if (entity.startsWith("#") && entity.length() > 1) {
            yield Character.toString(Integer.parseInt(entity.substring(1)));
          }
        } catch (IllegalArgumentException e) {
          // falls through to the same error Telegram gives for any unknown entity
        }
        throw new ParseError(
            "Character '&' is reserved and must be escaped at byte offset " + offset);
      }
    };
  }
}

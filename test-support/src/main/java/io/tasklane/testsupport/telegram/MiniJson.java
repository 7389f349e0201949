package io.tasklane.testsupport.telegram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough JSON for the Bot API: reads a flat object of strings, numbers, booleans and nulls
 * (nested values are skipped) and quotes strings for answers.
 */
final class MiniJson {

  private final String text;
  private int pos;

  private MiniJson(String text) {
    this.text = text;
  }

  static Map<String, String> readFlatObject(String text) {
    var reader = new MiniJson(text.strip());
    var result = new LinkedHashMap<String, String>();
    reader.expect('{');
    reader.skipSpace();
    if (reader.peek() == '}') {
      return result;
    }
    while (true) {
      reader.skipSpace();
      String key = reader.readString();
      reader.skipSpace();
      reader.expect(':');
      reader.skipSpace();
      String value = reader.readValue();
      if (value != null) {
        result.put(key, value);
      }
      reader.skipSpace();
      char next = reader.next();
      if (next == '}') {
        return result;
      }
      if (next != ',') {
        throw new IllegalArgumentException("Expected , or } at " + reader.pos);
      }
    }
  }

  static String quote(String value) {
    var out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private String readValue() {
    char c = peek();
    if (c == '"') {
      return readString();
    }
    if (c == '{' || c == '[') {
      skipNested();
      return null;
    }
    int start = pos;
    while (pos < text.length() && ",}] \n\r\t".indexOf(text.charAt(pos)) < 0) {
      pos++;
    }
    String literal = text.substring(start, pos);
    return literal.equals("null") ? null : literal;
  }

  private void skipNested() {
    int depth = 0;
    do {
      char c = peek();
      if (c == '"') {
        readString();
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
      pos++;
    } while (depth > 0);
  }

  private String readString() {
    expect('"');
    var out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escaped = next();
      switch (escaped) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> out.append(escaped);
      }
    }
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw new IllegalArgumentException("Unexpected end of JSON");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char expected) {
    if (next() != expected) {
      throw new IllegalArgumentException("Expected " + expected + " at " + (pos - 1));
    }
  }
}

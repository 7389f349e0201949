package io.tasklane.cli;

/** One event of a {@code text/event-stream}: its id, name and data (lines joined by newlines). */
public record ServerSentEvent(String id, String event, String data) {

  /** Assembles events from the stream's lines, one line at a time. */
  static final class Reader {
    private String id;
    private String event;
    private StringBuilder data;

    /** Takes the next line; returns an event when the line completes one, otherwise null. */
    ServerSentEvent accept(String line) {
      if (line.isEmpty()) {
        if (data == null) {
          event = null;
          return null;
        }
        ServerSentEvent complete = new ServerSentEvent(id, event, data.toString());
        event = null;
        data = null;
        return complete;
      }
      if (line.startsWith(":")) {
        return null;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = value;
        case "event" -> event = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        default -> {}
      }
      return null;
    }
  }
}

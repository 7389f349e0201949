package io.tasklane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Reading {@code text/event-stream} line by line. */
@Tag("fast")
class ServerSentEventTests {

  @Test
  void eventsEndAtABlankLineCommentsAreSkippedAndDataLinesJoin() {
    List<ServerSentEvent> events = new ArrayList<>();
    ServerSentEvent.Reader reader = new ServerSentEvent.Reader();
    for (String line :
        List.of(
            ":keep-alive",
            "",
            "id:7",
            "event:lifecycle",
            "data:{\"a\":",
            "data: 1}",
            "",
            "id: 8",
            "data:{}",
            "")) {
      ServerSentEvent event = reader.accept(line);
      if (event != null) {
        events.add(event);
      }
    }

    assertThat(events)
        .containsExactly(
            new ServerSentEvent("7", "lifecycle", "{\"a\":\n1}"),
            new ServerSentEvent("8", null, "{}"));
  }
}

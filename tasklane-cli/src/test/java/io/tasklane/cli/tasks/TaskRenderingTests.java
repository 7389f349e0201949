package io.tasklane.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** How a task's details and follow lines read, for the states where they used to mislead. */
@Tag("fast")
class TaskRenderingTests {

  static final Instant NOW = Instant.parse("2026-03-01T14:03:00Z");

  @Test
  void theLeaseIsShownOnlyWhileTheTaskRuns() {
    assertThat(detail("running")).containsPattern("Attempt +1 on runner-a, lease expires in 59s");
    for (String status : new String[] {"needs_assistance", "paused", "succeeded", "queued"}) {
      assertThat(detail(status))
          .as(status)
          .containsPattern("Attempt +1 on runner-a")
          .doesNotContain("lease");
    }
  }

  @Test
  void aFollowLineKeepsItsSecondsWhenTheyAreZero() {
    assertThat(FollowTask.clock(NOW, ZoneOffset.UTC)).isEqualTo("14:03:00");
    assertThat(FollowTask.clock(NOW.plusSeconds(7), ZoneOffset.ofHours(2))).isEqualTo("16:03:07");
    assertThat(FollowTask.clock(null, ZoneOffset.UTC)).isEqualTo("--:--:--");
  }

  @Test
  void whatATaskSpentIsShownAgainstItsBudget() {
    JsonNode task =
        Json.parse(
            """
            {"taskId":"6f0c4b1e-0000-4000-8000-000000000002","runtime":"subagent",
             "executor":"runner","status":"needs_assistance",
             "statusReason":"budget_exhausted:model_calls","deliveryStatus":"pending",
             "notifyPolicy":"done_only","attempt":1,"createdAt":"2026-03-01T14:00:00Z",
             "goal":"g","modelOptions":{"budget":{"modelCalls":4}},
             "usage":{"tokens":5123,"modelCalls":4,"toolCalls":2,"wallMillis":8312}}
            """);
    StringWriter out = new StringWriter();
    TaskRendering.detail(task, new Style(false), NOW, new PrintWriter(out, true));

    assertThat(out.toString())
        .containsPattern("Status +needs_assistance — budget_exhausted:model_calls")
        .containsPattern("Spent +5123 tokens, 4 of 4 model calls, 2 tool calls, 8 s");
    assertThat(detail("queued")).doesNotContain("Spent");
  }

  private static String detail(String status) {
    JsonNode task =
        Json.parse(
            """
            {"taskId":"6f0c4b1e-0000-4000-8000-000000000001","runtime":"subagent",
             "executor":"runner","status":"%s","deliveryStatus":"pending",
             "notifyPolicy":"done_only","attempt":1,"runnerId":"runner-a",
             "leaseExpiresAt":"2026-03-01T14:03:59Z","createdAt":"2026-03-01T14:00:00Z",
             "goal":"g"}
            """
                .formatted(status));
    StringWriter out = new StringWriter();
    TaskRendering.detail(task, new Style(false), NOW, new PrintWriter(out, true));
    return out.toString();
  }
}

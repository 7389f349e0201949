package io.tasklane.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Relative times and table alignment, which every human-readable listing relies on. */
@Tag("fast")
class FormattingTests {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void relativeTimesUseTheLargestUnitThatFits() {
    assertThat(ago(Duration.ofSeconds(2))).isEqualTo("just now");
    assertThat(ago(Duration.ofSeconds(45))).isEqualTo("45s ago");
    assertThat(ago(Duration.ofMinutes(3).plusSeconds(59))).isEqualTo("3m ago");
    assertThat(ago(Duration.ofHours(5))).isEqualTo("5h ago");
    assertThat(ago(Duration.ofHours(47))).isEqualTo("47h ago");
    assertThat(ago(Duration.ofDays(9))).isEqualTo("9d ago");
    assertThat(RelativeTime.format(NOW.plusSeconds(90), NOW)).isEqualTo("in 1m");
    assertThat(RelativeTime.format(null, NOW)).isEqualTo("-");
  }

  @Test
  void columnsAlignOnTheWidestCellAndColourDoesNotCountAsWidth() {
    Style colour = new Style(true);
    Table table = Table.of("Task", "Status", "Summary");
    table.row("a", colour.status("succeeded"), "done");
    table.row("longer-id", colour.status("running"), null);

    StringWriter out = new StringWriter();
    table.print(new PrintWriter(out, true), new Style(false));

    assertThat(Style.strip(out.toString()))
        .isEqualTo(
            """
            Task       Status     Summary
            a          succeeded  done
            longer-id  running    -
            """);
  }

  @Test
  void clippedCellsStayOnOneLine() {
    assertThat(Table.clip("first line\n  second   line", 40)).isEqualTo("first line second line");
    assertThat(Table.clip("abcdefghij", 5)).isEqualTo("abcd…");
  }

  @Test
  void withoutColourNoEscapeCodesAreWritten() {
    Style plain = new Style(false);
    assertThat(plain.status("failed") + plain.bold("x") + plain.delivery("failed"))
        .isEqualTo("failedxfailed");
    assertThat(new Style(true).status("failed")).isEqualTo("\u001b[31mfailed\u001b[0m");
  }

  private static String ago(Duration duration) {
    return RelativeTime.format(NOW.minus(duration), NOW);
  }
}

package io.tasklane.ledger;

import static io.tasklane.ledger.StatusSql.literal;
import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.FlowStatus;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.WireEnum;
import io.tasklane.ledger.PartialIndexes.Index;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The partial indexes of the migrations speak the enums: each status they name is a status of its
 * table, and each list reads exactly as the queries build it from the enums, which PostgreSQL needs
 * before it uses the index for a query.
 */
@Tag("fast")
class PartialIndexVocabularyTests {

  private static final Pattern STATUS_VALUES =
      Pattern.compile("\\b(status|delivery_status)\\s*(?:=|<>|in)\\s*(\\([^)]*\\)|'[^']*')");
  private static final Pattern LITERAL = Pattern.compile("'([^']*)'");

  private final Map<String, Index> indexes = PartialIndexes.all();

  @Test
  void everyStatusAPartialIndexNamesIsAStatusOfItsTable() {
    int checked = 0;
    for (var entry : indexes.entrySet()) {
      Matcher values = STATUS_VALUES.matcher(entry.getValue().predicate());
      while (values.find()) {
        List<String> allowed = allowed(entry.getValue().table(), values.group(1));
        Matcher literal = LITERAL.matcher(values.group(2));
        while (literal.find()) {
          assertThat(literal.group(1)).as("a status in index %s", entry.getKey()).isIn(allowed);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(17);
  }

  @Test
  void theStatusListsReadAsTheQueriesBuildThemFromTheEnums() {
    assertThat(indexes.get("tasks_active").predicate())
        .isEqualTo("status in " + StatusSql.in(EnumSet.of(TaskStatus.QUEUED, TaskStatus.RUNNING)));
    assertThat(indexes.get("tasks_lost").predicate())
        .isEqualTo("status = " + literal(TaskStatus.LOST));
    assertThat(indexes.get("tasks_delivery_failed").predicate())
        .isEqualTo("delivery_status = " + literal(DeliveryStatus.FAILED));
    assertThat(indexes.get("flows_open").predicate())
        .isEqualTo("status in " + StatusSql.OPEN_FLOW + " or cancel_requested_at is not null");
    assertThat(indexes.get("tasks_inconsistent_timestamps").predicate())
        .contains("(ended_at is null and status in " + StatusSql.TERMINAL_TASK + ")")
        .contains("(ended_at is not null and status in " + StatusSql.ACTIVE_TASK + ")");
  }

  @Test
  void theListsFollowTheEnumsSoAStatusAddedThereReachesTheQueries() {
    assertThat(StatusSql.TERMINAL_TASK)
        .isEqualTo("('succeeded', 'failed', 'timed_out', 'cancelled', 'lost')");
    assertThat(StatusSql.ACTIVE_TASK)
        .isEqualTo("('queued', 'running', 'paused', 'needs_assistance')");
    assertThat(StatusSql.OPEN_FLOW).isEqualTo("('queued', 'running', 'waiting', 'blocked')");
    assertThat(StatusSql.BLOCKING_TASK).isEqualTo("('needs_assistance', 'failed', 'timed_out')");
  }

  private static List<String> allowed(String table, String column) {
    if (column.equals("delivery_status")) {
      return WireEnum.allowedValues(DeliveryStatus.class);
    }
    return switch (table) {
      case "tasks" -> WireEnum.allowedValues(TaskStatus.class);
      case "flows" -> WireEnum.allowedValues(FlowStatus.class);
      default -> throw new AssertionError("a status column on table " + table);
    };
  }
}

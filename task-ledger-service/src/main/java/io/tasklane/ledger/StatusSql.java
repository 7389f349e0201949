package io.tasklane.ledger;

import io.tasklane.contracts.FlowStatus;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.WireEnum;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Status values for SQL, written from the enums so a status is spelt in one place. A list keeps the
 * enum's order: a query's predicate must read exactly like a partial index's (see the migrations)
 * for PostgreSQL to use that index.
 */
public final class StatusSql {

  /** {@code ('succeeded', 'failed', 'timed_out', 'cancelled', 'lost')} */
  public static final String TERMINAL_TASK =
      in(Arrays.stream(TaskStatus.values()).filter(TaskStatus::isTerminal).toList());

  /** {@code ('queued', 'running', 'paused', 'needs_assistance')} */
  public static final String ACTIVE_TASK =
      in(Arrays.stream(TaskStatus.values()).filter(status -> !status.isTerminal()).toList());

  /** {@code ('queued', 'running', 'waiting', 'blocked')} */
  public static final String OPEN_FLOW =
      in(Arrays.stream(FlowStatus.values()).filter(status -> !status.isTerminal()).toList());

  /** A linked task in one of these blocks its flow until it is retried, resumed or cancelled. */
  public static final Set<TaskStatus> BLOCKING =
      Collections.unmodifiableSet(
          EnumSet.of(TaskStatus.NEEDS_ASSISTANCE, TaskStatus.FAILED, TaskStatus.TIMED_OUT));

  /** {@code ('needs_assistance', 'failed', 'timed_out')} */
  public static final String BLOCKING_TASK = in(BLOCKING);

  private StatusSql() {}

  /** {@code ('a', 'b')}, in the enum's order. */
  public static <E extends Enum<E> & WireEnum> String in(Collection<E> values) {
    return values.stream()
        .sorted()
        .map(StatusSql::literal)
        .collect(Collectors.joining(", ", "(", ")"));
  }

  /** {@code 'a'} */
  public static String literal(WireEnum value) {
    return "'" + value.wire() + "'";
  }
}

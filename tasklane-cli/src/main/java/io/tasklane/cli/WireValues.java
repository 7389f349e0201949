package io.tasklane.cli;

import io.tasklane.contracts.FlowStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.UnknownWireValueException;
import io.tasklane.contracts.WireEnum;
import java.util.Iterator;
import picocli.CommandLine;

/**
 * Options take the values the API speaks ({@code timed_out}, not {@code TIMED_OUT}), and shell
 * completion offers exactly those.
 */
public final class WireValues {

  private WireValues() {}

  static <E extends Enum<E> & WireEnum> void register(CommandLine commandLine, Class<E> type) {
    commandLine.registerConverter(
        type,
        value -> {
          try {
            return WireEnum.parse(type, value);
          } catch (UnknownWireValueException e) {
            throw new CommandLine.TypeConversionException(
                "'%s' is not one of %s"
                    .formatted(value, String.join(", ", WireEnum.allowedValues(type))));
          }
        });
  }

  private abstract static class Candidates<E extends Enum<E> & WireEnum>
      implements Iterable<String> {
    private final Class<E> type;

    Candidates(Class<E> type) {
      this.type = type;
    }

    @Override
    public Iterator<String> iterator() {
      return WireEnum.allowedValues(type).iterator();
    }
  }

  /** Completion for task statuses. */
  public static final class Statuses extends Candidates<TaskStatus> {
    public Statuses() {
      super(TaskStatus.class);
    }
  }

  /** Completion for runtimes. */
  public static final class Runtimes extends Candidates<Runtime> {
    public Runtimes() {
      super(Runtime.class);
    }
  }

  /** Completion for notify policies. */
  public static final class NotifyPolicies extends Candidates<NotifyPolicy> {
    public NotifyPolicies() {
      super(NotifyPolicy.class);
    }
  }

  /** Completion for flow statuses. */
  public static final class FlowStatuses extends Candidates<FlowStatus> {
    public FlowStatuses() {
      super(FlowStatus.class);
    }
  }
}

package io.tasklane.ledger.tasks;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.StepStatus;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.WireEnum;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores wire enums by their wire value, so the database reads like the API. */
final class WireEnumConverters {

  private WireEnumConverters() {}

  abstract static class Base<E extends Enum<E> & WireEnum>
      implements AttributeConverter<E, String> {
    private final Class<E> type;

    Base(Class<E> type) {
      this.type = type;
    }

    @Override
    public String convertToDatabaseColumn(E value) {
      return value == null ? null : value.wire();
    }

    @Override
    public E convertToEntityAttribute(String value) {
      return value == null ? null : WireEnum.parse(type, value);
    }
  }

  @Converter
  static class TaskStatusConverter extends Base<TaskStatus> {
    TaskStatusConverter() {
      super(TaskStatus.class);
    }
  }

  @Converter
  static class RuntimeConverter extends Base<Runtime> {
    RuntimeConverter() {
      super(Runtime.class);
    }
  }

  @Converter
  static class ExecutorConverter extends Base<Executor> {
    ExecutorConverter() {
      super(Executor.class);
    }
  }

  @Converter
  static class NotifyPolicyConverter extends Base<NotifyPolicy> {
    NotifyPolicyConverter() {
      super(NotifyPolicy.class);
    }
  }

  @Converter
  static class DeliveryStatusConverter extends Base<DeliveryStatus> {
    DeliveryStatusConverter() {
      super(DeliveryStatus.class);
    }
  }

  @Converter
  static class StepStatusConverter extends Base<StepStatus> {
    StepStatusConverter() {
      super(StepStatus.class);
    }
  }
}

package io.tasklane.ledger.flows;

import io.tasklane.contracts.FlowStatus;
import io.tasklane.contracts.WireEnum;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.springframework.data.domain.Persistable;

@Entity
@Table(name = "flows")
class FlowEntity implements Persistable<UUID> {

  @Id UUID flowId;
  String tenant;
  String ownerKey;
  String goal;

  @Convert(converter = StatusConverter.class)
  FlowStatus status;

  /** Compare-and-set token: every write of the row checks and bumps it. */
  @Version long revision;

  int currentStep;
  UUID blockedTaskId;
  String blockedSummary;

  @Column(columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  String state;

  Instant cancelRequestedAt;
  Instant createdAt;
  Instant updatedAt;
  Instant endedAt;

  @Transient private boolean isNew = true;

  @Override
  public UUID getId() {
    return flowId;
  }

  @Override
  public boolean isNew() {
    return isNew;
  }

  @PostLoad
  @PostPersist
  void markStored() {
    isNew = false;
  }

  @jakarta.persistence.Converter
  static class StatusConverter implements AttributeConverter<FlowStatus, String> {
    @Override
    public String convertToDatabaseColumn(FlowStatus value) {
      return value == null ? null : value.wire();
    }

    @Override
    public FlowStatus convertToEntityAttribute(String value) {
      return value == null ? null : WireEnum.parse(FlowStatus.class, value);
    }
  }
}

package io.tasklane.ledger.tasks;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskStatus;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.springframework.data.domain.Persistable;

@Entity
@Table(name = "tasks")
class TaskEntity implements Persistable<UUID> {

  @Id UUID taskId;
  String tenant;

  @Convert(converter = WireEnumConverters.RuntimeConverter.class)
  Runtime runtime;

  @Convert(converter = WireEnumConverters.ExecutorConverter.class)
  Executor executor;

  String label;
  String goal;

  @Convert(converter = WireEnumConverters.TaskStatusConverter.class)
  TaskStatus status;

  String statusReason;

  @Convert(converter = WireEnumConverters.DeliveryStatusConverter.class)
  DeliveryStatus deliveryStatus;

  /** The journal sequence of the event {@link #deliveryStatus} is about; see DeliveryState. */
  long deliverySequence;

  @Convert(converter = WireEnumConverters.NotifyPolicyConverter.class)
  NotifyPolicy notifyPolicy;

  String requesterSessionKey;
  String ownerKey;
  String childSessionKey;
  String runId;
  UUID parentFlowId;
  UUID parentTaskId;
  int attempt;
  String runnerId;
  Instant leaseExpiresAt;
  int currentStep;

  @Column(columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  String resumeContext;

  @Column(columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  String modelOptions;

  Integer runTimeoutSeconds;
  Instant createdAt;
  Instant startedAt;
  Instant lastEventAt;
  Instant endedAt;
  Instant cleanupAfter;
  String error;
  String progressSummary;
  String terminalSummary;

  @Column(columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  String metadata;

  long journalSeq;
  int recoveries;

  /** Written with the task by {@link InsertTask}; every outbox row about the task carries it. */
  @Column(insertable = false, updatable = false)
  String traceParent;

  @Version long version;

  /**
   * Indexed by its step index, so a changed step is one update of its row rather than the whole
   * plan deleted and inserted again (a list without an index column is a bag to Hibernate).
   */
  @ElementCollection(fetch = FetchType.EAGER)
  @CollectionTable(name = "plan_steps", joinColumns = @JoinColumn(name = "task_id"))
  @OrderColumn(name = "step_index")
  List<PlanStepRow> plan = new ArrayList<>();

  @Transient private boolean isNew = true;

  @Override
  public UUID getId() {
    return taskId;
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

  /** The next journal sequence number of this task. */
  long nextSeq() {
    return ++journalSeq;
  }

  /** Now, but never before the last recorded event, so timestamps stay monotonic. */
  Instant monotonic(Instant now) {
    return lastEventAt != null && now.isBefore(lastEventAt) ? lastEventAt : now;
  }
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A task transition as a CloudEvent 1.0 in structured JSON mode ({@link Topics#TASK_LIFECYCLE}).
 * The field names are the CloudEvents attribute names; {@code tenant} and {@code sequence} are
 * extension attributes.
 *
 * @param id unique per event; consumers deduplicate on it
 * @param type one of the {@code TYPE_*} constants
 * @param subject the task id
 * @param sequence the task's journal sequence number of the transition, ordering events per task
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskLifecycleEvent(
    String specversion,
    UUID id,
    String source,
    String type,
    String subject,
    Instant time,
    String datacontenttype,
    String tenant,
    long sequence,
    Data data) {

  public static final String SPEC_VERSION = "1.0";
  public static final String SOURCE = "/tasklane/task-ledger";
  public static final String TYPE_CREATED = "io.tasklane.task.created";
  public static final String TYPE_STATUS_CHANGED = "io.tasklane.task.status_changed";
  public static final String TYPE_PROGRESS = "io.tasklane.task.progress";
  public static final String TYPE_NOTIFY_POLICY_CHANGED = "io.tasklane.task.notify_policy_changed";

  /** Builds an event with the CloudEvents constants filled in. */
  public static TaskLifecycleEvent of(
      UUID id, String type, Instant time, long sequence, Data data) {
    return new TaskLifecycleEvent(
        SPEC_VERSION,
        id,
        SOURCE,
        type,
        data.taskId().toString(),
        time,
        "application/json",
        data.tenant(),
        sequence,
        data);
  }

  /**
   * The task as of this event.
   *
   * @param previousStatus the status before the transition, null on creation
   * @param notifyPolicy the policy in force when the event happened
   * @param approval the approval request the task waits for (status needs_assistance, reason {@code
   *     approval_required}), or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Data(
      UUID taskId,
      String tenant,
      Runtime runtime,
      Executor executor,
      String label,
      TaskStatus status,
      TaskStatus previousStatus,
      String statusReason,
      NotifyPolicy notifyPolicy,
      DeliveryStatus deliveryStatus,
      String requesterSessionKey,
      String childSessionKey,
      String runId,
      UUID parentFlowId,
      UUID parentTaskId,
      int attempt,
      String progressSummary,
      String terminalSummary,
      String error,
      Map<String, String> metadata,
      ApprovalRequest approval) {

    public Data {
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public Data(
        UUID taskId,
        String tenant,
        Runtime runtime,
        Executor executor,
        String label,
        TaskStatus status,
        TaskStatus previousStatus,
        String statusReason,
        NotifyPolicy notifyPolicy,
        DeliveryStatus deliveryStatus,
        String requesterSessionKey,
        String childSessionKey,
        String runId,
        UUID parentFlowId,
        UUID parentTaskId,
        int attempt,
        String progressSummary,
        String terminalSummary,
        String error,
        Map<String, String> metadata) {
      this(
          taskId,
          tenant,
          runtime,
          executor,
          label,
          status,
          previousStatus,
          statusReason,
          notifyPolicy,
          deliveryStatus,
          requesterSessionKey,
          childSessionKey,
          runId,
          parentFlowId,
          parentTaskId,
          attempt,
          progressSummary,
          terminalSummary,
          error,
          metadata,
          null);
    }
  }
}

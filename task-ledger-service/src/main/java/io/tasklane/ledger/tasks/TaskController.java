package io.tasklane.ledger.tasks;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.contracts.ApprovalDecision;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.api.Tenants;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Tasks", description = "The ledger of detached runs")
class TaskController {

  private final TaskLedger ledger;
  private final Cancellations cancellations;

  TaskController(TaskLedger ledger, Cancellations cancellations) {
    this.ledger = ledger;
    this.cancellations = cancellations;
  }

  record Reason(String reason) {}

  record ResumeRequest(String message) {}

  record NotifyPolicyChange(@NotNull NotifyPolicy notifyPolicy) {}

  /**
   * A decision on an approval request.
   *
   * @param approval the number of the request decided, so a stale decision never reaches a newer
   *     one
   * @param comment what the operator adds, shown to the model with a denial
   */
  record ApprovalAnswer(@NotNull Integer approval, String comment) {}

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "createTask",
      summary =
          "Record a detached run (201), or return the earlier one for a repeated Idempotency-Key (200)")
  @ApiResponse(responseCode = "201", description = "The task, recorded now")
  @ApiResponse(
      responseCode = "200",
      description = "The task recorded earlier under the same Idempotency-Key")
  @ApiResponse(
      responseCode = "409",
      description = "The Idempotency-Key was used before with a different request")
  @ApiResponse(responseCode = "413", description = "The request is larger than the ledger accepts")
  @ApiResponse(
      responseCode = "429",
      description =
          "Too many requests at the gateway, or the tenant's tasks or tokens for today are used up"
              + " (budget-exceeded, with budget, limit and used); retry after the seconds in"
              + " Retry-After")
  ResponseEntity<TaskView> create(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @Valid @RequestBody CreateTaskRequest request) {
    var result = ledger.create(tenant, request, idempotencyKey);
    if (!result.created()) {
      return ResponseEntity.ok(result.task());
    }
    return ResponseEntity.created(URI.create("/api/v1/tasks/" + result.task().taskId()))
        .body(result.task());
  }

  @GetMapping
  @Operation(
      operationId = "listTasks",
      summary = "List tasks, newest first, with keyset pagination")
  TaskPage list(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestParam(name = "status", required = false) List<TaskStatus> statuses,
      @RequestParam(required = false) Runtime runtime,
      @RequestParam(required = false) UUID flowId,
      @RequestParam(required = false) String session,
      @RequestParam(required = false) String label,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    return ledger.list(
        tenant, new TaskFilter(statuses, runtime, flowId, session, label), cursor, limit);
  }

  @GetMapping("/{lookup}")
  @Operation(
      operationId = "getTask",
      summary = "Show a task by task id, run id, child session key or requester session key")
  @ApiResponse(responseCode = "200", description = "The task")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The lookup matches more than one task (ambiguous-lookup)")
  TaskView show(@RequestHeader(Tenants.HEADER) String tenant, @PathVariable String lookup) {
    return ledger.lookup(tenant, lookup);
  }

  @GetMapping("/{taskId}/journal")
  @Operation(operationId = "getTaskJournal", summary = "Journal entries after a sequence number")
  @ApiResponse(responseCode = "200", description = "Journal entries")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  JournalPage journal(
      @RequestHeader(Tenants.HEADER) String tenant,
      @PathVariable UUID taskId,
      @RequestParam(defaultValue = "0") long afterSeq,
      @RequestParam(required = false) Integer limit) {
    return ledger.journal(tenant, taskId, afterSeq, limit);
  }

  @PostMapping("/{taskId}/cancel")
  @Operation(
      operationId = "cancelTask",
      summary = "Cancel a task that has not ended, and the tasks it spawned that are active")
  @ApiResponse(responseCode = "200", description = "The task, cancelled")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The task is in a state that does not allow it (invalid-transition)")
  TaskView cancel(
      @RequestHeader(Tenants.HEADER) String tenant,
      @PathVariable UUID taskId,
      @RequestBody(required = false) Reason reason) {
    return cancellations.cancel(tenant, taskId, reason == null ? null : reason.reason());
  }

  @PostMapping("/{taskId}/pause")
  @Operation(
      operationId = "pauseTask",
      summary = "Pause a queued task now, or a running one at its next safe point (202)")
  @ApiResponse(responseCode = "200", description = "The task, paused")
  @ApiResponse(responseCode = "202", description = "The task; it pauses at its next safe point")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The task is in a state that does not allow it (invalid-transition)")
  ResponseEntity<TaskView> pause(
      @RequestHeader(Tenants.HEADER) String tenant, @PathVariable UUID taskId) {
    TaskView task = ledger.pause(tenant, taskId);
    return ResponseEntity.status(
            task.status() == TaskStatus.PAUSED ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .body(task);
  }

  @PostMapping("/{taskId}/resume")
  @Operation(
      operationId = "resumeTask",
      summary = "Queue a paused or needs_assistance task again, optionally with guidance")
  @ApiResponse(responseCode = "200", description = "The task, queued again")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  @ApiResponse(
      responseCode = "409",
      description =
          "The task is in a state that does not allow it (invalid-transition), or its own budget"
              + " stopped it (budget-exhausted)")
  TaskView resume(
      @RequestHeader(Tenants.HEADER) String tenant,
      @PathVariable UUID taskId,
      @RequestBody(required = false) ResumeRequest request) {
    return ledger.resume(tenant, taskId, request == null ? null : request.message());
  }

  @PostMapping(path = "/{taskId}/approve", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "approveTask",
      summary = "Approve the tool call a task waits for; it runs once and the task goes on")
  @ApiResponse(responseCode = "200", description = "The task, queued again with the approval")
  @ApiResponse(
      responseCode = "403",
      description = "The caller is not one of the request's approvers (not-an-approver)")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The task does not wait for this approval request (approval-not-pending)")
  TaskView approve(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestHeader(SignedIdentity.CALLER_HEADER) String caller,
      @PathVariable UUID taskId,
      @Valid @RequestBody ApprovalAnswer answer) {
    return ledger.decideApproval(
        tenant, taskId, answer.approval(), ApprovalDecision.APPROVED, caller, answer.comment());
  }

  @PostMapping(path = "/{taskId}/deny", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "denyTask",
      summary = "Deny the tool call a task waits for; the model goes on without it")
  @ApiResponse(responseCode = "200", description = "The task, queued again with the denial")
  @ApiResponse(
      responseCode = "403",
      description = "The caller is not one of the request's approvers (not-an-approver)")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The task does not wait for this approval request (approval-not-pending)")
  TaskView deny(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestHeader(SignedIdentity.CALLER_HEADER) String caller,
      @PathVariable UUID taskId,
      @Valid @RequestBody ApprovalAnswer answer) {
    return ledger.decideApproval(
        tenant, taskId, answer.approval(), ApprovalDecision.DENIED, caller, answer.comment());
  }

  @PostMapping("/{taskId}/retry")
  @Operation(
      operationId = "retryTask",
      summary = "Run a failed, timed_out, cancelled or lost task again (attempt + 1)")
  @ApiResponse(responseCode = "200", description = "The task, queued for its next attempt")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The task is in a state that does not allow it (invalid-transition)")
  TaskView retry(@RequestHeader(Tenants.HEADER) String tenant, @PathVariable UUID taskId) {
    return ledger.retry(tenant, taskId);
  }

  @PutMapping(path = "/{taskId}/notify-policy", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "changeTaskNotifyPolicy",
      summary = "Change which events reach the requester session")
  @ApiResponse(responseCode = "200", description = "The task with its new notify policy")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  TaskView notifyPolicy(
      @RequestHeader(Tenants.HEADER) String tenant,
      @PathVariable UUID taskId,
      @Valid @RequestBody NotifyPolicyChange change) {
    return ledger.changeNotifyPolicy(tenant, taskId, change.notifyPolicy());
  }
}

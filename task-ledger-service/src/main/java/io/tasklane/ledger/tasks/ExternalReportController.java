package io.tasklane.ledger.tasks;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.ledger.api.Tenants;
import jakarta.validation.Valid;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Tasks", description = "The ledger of detached runs")
class ExternalReportController {

  private final ExternalExecutors executors;

  ExternalReportController(ExternalExecutors executors) {
    this.executors = executors;
  }

  @PostMapping(
      path = "/api/v1/tasks/{taskId}/reports",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "reportExternalTask",
      summary =
          "Report start, progress, a heartbeat or the outcome of an external task's current attempt")
  @ApiResponse(responseCode = "200", description = "The task after the report")
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The task is in a state that does not allow it (invalid-transition)")
  TaskView report(
      @RequestHeader(Tenants.HEADER) String tenant,
      @PathVariable UUID taskId,
      @Valid @RequestBody ExternalReport report) {
    return executors.report(tenant, taskId, report);
  }
}

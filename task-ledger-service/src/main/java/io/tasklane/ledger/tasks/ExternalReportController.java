package io.tasklane.ledger.tasks;

import io.swagger.v3.oas.annotations.Operation;
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
      summary =
          "Report start, progress, a heartbeat or the outcome of an external task's current attempt")
  TaskView report(
      @RequestHeader(Tenants.HEADER) String tenant,
      @PathVariable UUID taskId,
      @Valid @RequestBody ExternalReport report) {
    return executors.report(tenant, taskId, report);
  }
}

package io.tasklane.ledger.cron;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.ledger.api.Tenants;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/cron-jobs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Cron jobs", description = "Scheduled work; every firing records a cron task")
class CronJobController {

  private final CronJobs jobs;

  CronJobController(CronJobs jobs) {
    this.jobs = jobs;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(operationId = "createCronJob", summary = "Define a cron job")
  ResponseEntity<CronJobView> create(
      @RequestHeader(Tenants.HEADER) String tenant, @Valid @RequestBody CronJobRequest request) {
    CronJobView job = jobs.create(tenant, request);
    return ResponseEntity.created(URI.create("/api/v1/cron-jobs/" + job.cronJobId())).body(job);
  }

  @GetMapping
  @Operation(operationId = "listCronJobs", summary = "List cron jobs by name")
  List<CronJobView> list(@RequestHeader(Tenants.HEADER) String tenant) {
    return jobs.list(tenant);
  }

  @GetMapping("/{id}")
  @Operation(operationId = "getCronJob", summary = "Show a cron job with its next and last firing")
  @ApiResponse(responseCode = "200", description = "The cron job")
  @ApiResponse(responseCode = "404", description = "No cron job with this id for the tenant")
  CronJobView show(@RequestHeader(Tenants.HEADER) String tenant, @PathVariable UUID id) {
    return jobs.get(tenant, id);
  }

  @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "replaceCronJob",
      summary = "Replace a cron job's definition; it is scheduled again from now")
  @ApiResponse(responseCode = "200", description = "The cron job as replaced")
  @ApiResponse(responseCode = "404", description = "No cron job with this id for the tenant")
  CronJobView update(
      @RequestHeader(Tenants.HEADER) String tenant,
      @PathVariable UUID id,
      @Valid @RequestBody CronJobRequest request) {
    return jobs.update(tenant, id, request);
  }

  @PostMapping("/{id}/enable")
  @Operation(
      operationId = "enableCronJob",
      summary = "Enable a cron job; its next firing is computed from now")
  @ApiResponse(responseCode = "200", description = "The cron job, enabled")
  @ApiResponse(responseCode = "404", description = "No cron job with this id for the tenant")
  CronJobView enable(@RequestHeader(Tenants.HEADER) String tenant, @PathVariable UUID id) {
    return jobs.setEnabled(tenant, id, true);
  }

  @PostMapping("/{id}/disable")
  @Operation(
      operationId = "disableCronJob",
      summary = "Disable a cron job; it keeps its definition and history")
  @ApiResponse(responseCode = "200", description = "The cron job, disabled")
  @ApiResponse(responseCode = "404", description = "No cron job with this id for the tenant")
  CronJobView disable(@RequestHeader(Tenants.HEADER) String tenant, @PathVariable UUID id) {
    return jobs.setEnabled(tenant, id, false);
  }

  @DeleteMapping("/{id}")
  @Operation(operationId = "deleteCronJob", summary = "Delete a cron job; tasks it created stay")
  @ApiResponse(responseCode = "204", description = "The cron job is deleted")
  @ApiResponse(responseCode = "404", description = "No cron job with this id for the tenant")
  ResponseEntity<Void> delete(@RequestHeader(Tenants.HEADER) String tenant, @PathVariable UUID id) {
    jobs.delete(tenant, id);
    return ResponseEntity.noContent().build();
  }
}

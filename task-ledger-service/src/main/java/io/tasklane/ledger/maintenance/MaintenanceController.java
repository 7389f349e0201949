package io.tasklane.ledger.maintenance;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.ledger.api.Tenants;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Operations", description = "Audit, maintenance and scheduled work")
class MaintenanceController {

  private final Maintenance maintenance;

  MaintenanceController(Maintenance maintenance) {
    this.maintenance = maintenance;
  }

  @PostMapping(path = "/api/v1/maintenance", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "runMaintenance",
      summary =
          "Reconcile, recover, stamp cleanupAfter and prune the tenant's records: a preview unless"
              + " apply=true")
  MaintenanceReport run(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestParam(defaultValue = "false") boolean apply) {
    return maintenance.run(tenant, apply);
  }
}

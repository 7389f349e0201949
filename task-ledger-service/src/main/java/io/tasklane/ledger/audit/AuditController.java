package io.tasklane.ledger.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.contracts.Severity;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.api.InvalidRequestException;
import io.tasklane.ledger.api.Tenants;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Operations", description = "Audit, maintenance and scheduled work")
class AuditController {

  private final Audit audit;
  private final LedgerProperties.Audit settings;

  AuditController(Audit audit, LedgerProperties properties) {
    this.audit = audit;
    this.settings = properties.audit();
  }

  @GetMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "auditTenant",
      summary = "Stale, lost, undelivered and inconsistent tasks and flows of the tenant")
  AuditReport audit(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestParam(required = false) Severity severity,
      @RequestParam(required = false) String code,
      @RequestParam(required = false) Integer limit) {
    if (code != null && !Audit.CODES.contains(code)) {
      throw new InvalidRequestException(
          "code", "unknown audit code '%s'; known codes: %s".formatted(code, Audit.CODES));
    }
    int size =
        Math.min(limit == null ? settings.defaultLimit() : Math.max(1, limit), settings.maxLimit());
    return audit.run(tenant, severity, code, size);
  }
}

package io.tasklane.ledger.approvals;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.backend.Problems;
import io.tasklane.contracts.SignedIdentity;
import io.tasklane.ledger.LedgerProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/approvals", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Approvals", description = "Tool calls that wait for an operator's decision")
class ApprovalController {

  private final Approvals approvals;
  private final LedgerProperties properties;

  ApprovalController(Approvals approvals, LedgerProperties properties) {
    this.approvals = approvals;
    this.properties = properties;
  }

  @GetMapping
  @Operation(
      operationId = "listApprovals",
      summary = "The tenant's pending approval requests, oldest first, with keyset pagination")
  @ApiResponse(responseCode = "200", description = "A page of pending approval requests")
  @ApiResponse(responseCode = "400", description = "The cursor is not one a page returned")
  ApprovalPage list(
      @RequestHeader(SignedIdentity.TENANT_HEADER) String tenant,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    int pageSize =
        Math.min(
            limit == null ? properties.paging().defaultLimit() : Math.max(1, limit),
            properties.paging().maxLimit());
    try {
      return approvals.pending(tenant, cursor, pageSize);
    } catch (Approvals.InvalidCursorException e) {
      throw new ErrorResponseException(
          HttpStatus.BAD_REQUEST,
          Problems.problem(HttpStatus.BAD_REQUEST, "validation", "Invalid request", e.getMessage()),
          e);
    }
  }
}

package io.tasklane.ledger.flows;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.contracts.FlowStatus;
import io.tasklane.ledger.api.InvalidRequestException;
import io.tasklane.ledger.api.Tenants;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/flows", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Flows", description = "Parent records of orchestrated work")
class FlowController {

  private final Flows flows;

  FlowController(Flows flows) {
    this.flows = flows;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "createFlow",
      summary = "Record a flow; tasks link to it with parentFlowId")
  ResponseEntity<FlowView> create(
      @RequestHeader(Tenants.HEADER) String tenant,
      @Valid @RequestBody FlowRequests.Create request) {
    FlowView flow = flows.create(tenant, request);
    return ResponseEntity.created(URI.create("/api/v1/flows/" + flow.flowId()))
        .eTag(etag(flow.revision()))
        .body(flow);
  }

  @GetMapping
  @Operation(operationId = "listFlows", summary = "List flows, newest first")
  List<FlowView> list(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestParam(required = false) FlowStatus status,
      @RequestParam(required = false) Integer limit) {
    return flows.list(tenant, status, limit);
  }

  @GetMapping("/{flowId}")
  @Operation(
      operationId = "getFlow",
      summary = "Show a flow with its linked tasks and a count of them by status")
  @ApiResponse(responseCode = "200", description = "The flow with its tasks")
  @ApiResponse(responseCode = "404", description = "No flow with this id for the tenant")
  ResponseEntity<FlowDetail> show(
      @RequestHeader(Tenants.HEADER) String tenant, @PathVariable UUID flowId) {
    FlowDetail detail = flows.detail(tenant, flowId);
    return ResponseEntity.ok().eTag(etag(detail.flow().revision())).body(detail);
  }

  @PatchMapping(path = "/{flowId}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "updateFlow",
      summary = "Change currentStep or state at the revision given in If-Match")
  @ApiResponse(responseCode = "200", description = "The flow at its new revision")
  @ApiResponse(responseCode = "404", description = "No flow with this id for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The flow is cancelled, or the revision in If-Match is not the current one")
  ResponseEntity<FlowView> update(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @PathVariable UUID flowId,
      @Valid @RequestBody FlowRequests.Update change) {
    FlowView flow =
        flows.update(tenant, flowId, expected(ifMatch, change.expectedRevision()), change);
    return ResponseEntity.ok().eTag(etag(flow.revision())).body(flow);
  }

  @PostMapping("/{flowId}/cancel")
  @Operation(
      operationId = "cancelFlow",
      summary = "Cancel a flow: its active tasks are cancelled and it refuses new ones (sticky)")
  @ApiResponse(responseCode = "200", description = "The flow, cancelled")
  @ApiResponse(responseCode = "404", description = "No flow with this id for the tenant")
  @ApiResponse(
      responseCode = "409",
      description = "The revision in If-Match is not the current one")
  ResponseEntity<FlowView> cancel(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @PathVariable UUID flowId,
      @Valid @RequestBody(required = false) FlowRequests.Cancel request) {
    FlowView flow =
        flows.cancel(
            tenant,
            flowId,
            expected(ifMatch, request == null ? null : request.expectedRevision()),
            request == null ? null : request.reason());
    return ResponseEntity.ok().eTag(etag(flow.revision())).body(flow);
  }

  private static String etag(long revision) {
    return "\"" + revision + "\"";
  }

  private static Long expected(String ifMatch, Long expectedRevision) {
    if (ifMatch == null || ifMatch.isBlank()) {
      return expectedRevision;
    }
    String value = ifMatch.trim();
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    value = value.replace("\"", "");
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("If-Match", "If-Match must carry a flow revision");
    }
  }
}

package io.tasklane.notifier.answers;

import static io.tasklane.notifier.ApiProblems.TENANT_HEADER;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.tasklane.notifier.webhook.WebhookSignature;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SessionActionsController {

  private final SessionActions actions;

  SessionActionsController(SessionActions actions) {
    this.actions = actions;
  }

  @PostMapping(
      path = "/api/v1/sessions/{sessionKey}/actions",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "answerSessionTask",
      summary =
          "Answer a task of the session (approve, deny, resume, cancel) from a chat front end",
      description =
          "Signed like the session webhook's deliveries (Standard Webhooks: webhook-id,"
              + " webhook-timestamp, webhook-signature = v1,<base64 HMAC-SHA256 of"
              + " '<id>.<timestamp>.<body>'> with the channel's secret). The timestamp must be"
              + " within the tolerance (5 min by default) and the webhook-id new. The task must"
              + " have reported to this session. The ledger records the caller webhook:<actor>.")
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content = @Content(schema = @Schema(implementation = SessionActionRequest.class)))
  @ApiResponse(responseCode = "200", description = "The ledger took the answer")
  @ApiResponse(
      responseCode = "400",
      description = "The body is malformed or names no valid action, approval or actor")
  @ApiResponse(
      responseCode = "401",
      description = "The signature is missing, wrong, or its timestamp outside the tolerance")
  @ApiResponse(
      responseCode = "403",
      description = "The ledger refused: the actor is not among the approval's approvers")
  @ApiResponse(
      responseCode = "404",
      description = "The session has no webhook channel, or the task has not reported to it")
  @ApiResponse(
      responseCode = "409",
      description = "The webhook-id was taken before (a replay), or the approval is not pending")
  @ApiResponse(responseCode = "503", description = "The ledger could not be reached")
  SessionActionResult answer(
      @RequestHeader(TENANT_HEADER) String tenant,
      @PathVariable String sessionKey,
      @Parameter(description = "unique per callback")
          @RequestHeader(name = WebhookSignature.ID_HEADER, required = false)
          String webhookId,
      @Parameter(description = "unix seconds")
          @RequestHeader(name = WebhookSignature.TIMESTAMP_HEADER, required = false)
          String timestamp,
      @Parameter(description = "v1,<base64 signature>")
          @RequestHeader(name = WebhookSignature.SIGNATURE_HEADER, required = false)
          String signature,
      @RequestBody String body) {
    return actions.take(tenant, sessionKey, webhookId, timestamp, signature, body);
  }
}

package io.tasklane.ledger.events;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.ledger.api.Tenants;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of lifecycle events. The event id is the publication sequence: reconnect with
 * {@code Last-Event-ID} (or {@code ?after=}) and the replay comes from storage.
 */
@RestController
@Tag(name = "Events", description = "Live lifecycle events")
class EventStreamController {

  private static final String LIFECYCLE_STREAM =
      "Server-sent events named `lifecycle`: each `data` is one lifecycle event (a CloudEvents"
          + " JSON object, the schema here), each `id` the cursor to resume from with"
          + " Last-Event-ID; comment lines are heartbeats.";

  private final EventStreams streams;
  private final KnownTasks tasks;

  EventStreamController(EventStreams streams, KnownTasks tasks) {
    this.streams = streams;
    this.tasks = tasks;
  }

  @GetMapping(path = "/api/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      operationId = "streamTenantEvents",
      summary = "Every lifecycle event of the tenant; without a cursor, from now on")
  @ApiResponse(
      responseCode = "200",
      description = LIFECYCLE_STREAM,
      content =
          @Content(
              mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
              schema = @Schema(implementation = TaskLifecycleEvent.class)))
  SseEmitter tenantEvents(
      @RequestHeader(Tenants.HEADER) String tenant,
      @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId,
      @RequestParam(required = false) Long after) {
    Long cursor = lastEventId != null ? lastEventId : after;
    return streams.open(tenant, null, cursor == null ? streams.latestSequence() : cursor);
  }

  @GetMapping(path = "/api/v1/tasks/{taskId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      operationId = "streamTaskEvents",
      summary = "Lifecycle events of one task; without a cursor, its whole history")
  @ApiResponse(
      responseCode = "200",
      description = LIFECYCLE_STREAM,
      content =
          @Content(
              mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
              schema = @Schema(implementation = TaskLifecycleEvent.class)))
  @ApiResponse(
      responseCode = "404",
      description = "No task with this id (or lookup) for the tenant")
  SseEmitter taskEvents(
      @RequestHeader(Tenants.HEADER) String tenant,
      @PathVariable UUID taskId,
      @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId,
      @RequestParam(required = false) Long after) {
    tasks.require(tenant, taskId);
    Long cursor = lastEventId != null ? lastEventId : after;
    return streams.open(tenant, taskId, cursor == null ? 0 : cursor);
  }
}

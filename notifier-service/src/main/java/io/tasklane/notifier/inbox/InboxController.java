package io.tasklane.notifier.inbox;

import static io.tasklane.notifier.ApiProblems.TENANT_HEADER;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.tasklane.notifier.NotifierProperties;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@RestController
@RequestMapping("/api/v1/sessions/{sessionKey}/messages")
class InboxController {

  private final Inbox inbox;
  private final InboxStreams streams;
  private final NotifierProperties.Inbox settings;

  InboxController(Inbox inbox, InboxStreams streams, NotifierProperties properties) {
    this.inbox = inbox;
    this.streams = streams;
    this.settings = properties.inbox();
  }

  @GetMapping
  @Operation(
      operationId = "listSessionMessages",
      summary = "Messages for a session after a message id, oldest first")
  MessagePage page(
      @RequestHeader(TENANT_HEADER) String tenant,
      @PathVariable String sessionKey,
      @RequestParam(defaultValue = "0") long after,
      @RequestParam(required = false) Integer limit) {
    int size =
        Math.clamp(limit == null ? settings.defaultPageSize() : limit, 1, settings.maxPageSize());
    List<InboxMessage> messages = inbox.after(tenant, sessionKey, after, size + 1);
    boolean more = messages.size() > size;
    List<InboxMessage> page = more ? messages.subList(0, size) : messages;
    long next = page.isEmpty() ? after : page.getLast().id();
    return new MessagePage(page, next, more);
  }

  /** Live messages; {@code Last-Event-ID} (or {@code after}) replays what the client missed. */
  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      operationId = "streamSessionMessages",
      summary = "Live messages for a session; Last-Event-ID (or after) replays what was missed")
  @ApiResponse(
      responseCode = "200",
      description =
          "Server-sent events named `task-update`: each `data` is one inbox message (the schema"
              + " here), each `id` its message id to resume from with Last-Event-ID; comment lines"
              + " are heartbeats.",
      content =
          @Content(
              mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
              schema = @Schema(implementation = InboxMessage.class)))
  SseEmitter stream(
      @RequestHeader(TENANT_HEADER) String tenant,
      @PathVariable String sessionKey,
      @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId,
      @RequestParam(defaultValue = "0") long after) {
    return streams.subscribe(tenant, sessionKey, lastEventId != null ? lastEventId : after);
  }
}

package io.tasklane.notifier.sessions;

import static io.tasklane.notifier.ApiProblems.TENANT_HEADER;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/sessions/{sessionKey}/channels")
class SessionChannelsController {

  private final SessionChannels channels;

  SessionChannelsController(SessionChannels channels) {
    this.channels = channels;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      operationId = "registerSessionChannel",
      summary = "Register a channel (webhook or Telegram) that hears about the session's tasks")
  ChannelView register(
      @RequestHeader(TENANT_HEADER) String tenant,
      @PathVariable String sessionKey,
      @RequestBody ChannelRegistration registration) {
    return channels.register(tenant, sessionKey, registration);
  }

  @GetMapping
  @Operation(
      operationId = "listSessionChannels",
      summary = "List the channels registered for a session")
  List<ChannelView> list(
      @RequestHeader(TENANT_HEADER) String tenant, @PathVariable String sessionKey) {
    return channels.list(tenant, sessionKey);
  }

  @DeleteMapping("/{type}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      operationId = "removeSessionChannel",
      summary = "Remove a session's channel of one type")
  @ApiResponse(responseCode = "204", description = "The channel is removed")
  @ApiResponse(responseCode = "404", description = "The session has no channel of this type")
  void remove(
      @RequestHeader(TENANT_HEADER) String tenant,
      @PathVariable String sessionKey,
      @PathVariable String type) {
    channels.remove(tenant, sessionKey, type);
  }
}

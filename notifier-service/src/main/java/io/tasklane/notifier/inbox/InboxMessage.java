package io.tasklane.notifier.inbox;

import java.time.Instant;
import java.util.UUID;

/**
 * One message in a session inbox.
 *
 * @param id increasing per inbox; the SSE event id and the {@code after} cursor
 * @param text the whole message as plain text
 */
public record InboxMessage(
    long id,
    UUID eventId,
    UUID taskId,
    String eventType,
    String status,
    String title,
    String text,
    Instant at) {}

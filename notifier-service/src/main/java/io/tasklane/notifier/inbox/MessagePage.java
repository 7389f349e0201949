package io.tasklane.notifier.inbox;

import java.util.List;

/**
 * A page of inbox messages, oldest first.
 *
 * @param next the {@code after} value for the next page; equal to the request's when there is
 *     nothing newer yet
 */
public record MessagePage(List<InboxMessage> messages, long next, boolean more) {}

package io.tasklane.ledger.tasks;

import io.tasklane.contracts.JournalEntryType;
import java.time.Instant;
import java.util.Map;

/** One entry of a task's append-only journal. */
public record JournalEntry(
    long seq, Instant at, int attempt, JournalEntryType type, Map<String, Object> payload) {}

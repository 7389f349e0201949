package io.tasklane.ledger.tasks;

import java.util.List;

/** Journal entries after a sequence number; pass {@code nextAfterSeq} to continue. */
public record JournalPage(List<JournalEntry> items, long nextAfterSeq) {}

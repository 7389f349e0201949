package io.tasklane.ledger.api;

import java.util.List;
import java.util.UUID;

/** A lookup matched more than one task; the caller must pick one of the candidates. */
public class AmbiguousLookupException extends RuntimeException {

  private final List<UUID> candidates;

  public AmbiguousLookupException(String lookup, List<UUID> candidates) {
    super("'%s' matches %d tasks; use one of their ids".formatted(lookup, candidates.size()));
    this.candidates = List.copyOf(candidates);
  }

  public List<UUID> candidates() {
    return candidates;
  }
}

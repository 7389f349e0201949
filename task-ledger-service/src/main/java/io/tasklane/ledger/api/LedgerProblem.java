package io.tasklane.ledger.api;

import java.util.Map;

/**
 * A refusal of the ledger's operations API (flows, cron jobs, external reports) with its own
 * problem type: {@code slug} becomes the stable {@code type} URI, {@code properties} extra members.
 */
public class LedgerProblem extends RuntimeException {

  /** What kind of refusal it is; the web layer answers each with its HTTP status. */
  public enum Kind {
    INVALID,
    NOT_FOUND,
    CONFLICT,
    PRECONDITION_FAILED,
    PRECONDITION_REQUIRED
  }

  private final Kind kind;
  private final String slug;
  private final String title;
  private final Map<String, Object> properties;

  public LedgerProblem(
      Kind kind, String slug, String title, String detail, Map<String, Object> properties) {
    super(detail);
    this.kind = kind;
    this.slug = slug;
    this.title = title;
    this.properties = Map.copyOf(properties);
  }

  public LedgerProblem(Kind kind, String slug, String title, String detail) {
    this(kind, slug, title, detail, Map.of());
  }

  public Kind kind() {
    return kind;
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  public Map<String, Object> properties() {
    return properties;
  }
}

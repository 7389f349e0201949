package io.tasklane.ledger.api;

import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A refusal of the ledger's operations API (flows, cron jobs, external reports) with its own
 * problem type: {@code slug} becomes the stable {@code type} URI, {@code properties} extra members.
 */
public class LedgerProblem extends RuntimeException {

  private final HttpStatus status;
  private final String slug;
  private final String title;
  private final Map<String, Object> properties;

  public LedgerProblem(
      HttpStatus status, String slug, String title, String detail, Map<String, Object> properties) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.properties = Map.copyOf(properties);
  }

  public LedgerProblem(HttpStatus status, String slug, String title, String detail) {
    this(status, slug, title, detail, Map.of());
  }

  public HttpStatus status() {
    return status;
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

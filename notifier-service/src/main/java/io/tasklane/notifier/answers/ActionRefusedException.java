package io.tasklane.notifier.answers;

/** A session callback that is not taken, answered as a problem with this status and slug. */
public class ActionRefusedException extends RuntimeException {

  private final int status;
  private final String slug;
  private final String title;

  ActionRefusedException(int status, String slug, String title, String detail) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }
}

package io.tasklane.runner.model;

/** Which job a model call does; also a metric tag. */
public enum ModelRole {
  PLANNER,
  EXECUTOR,
  VERIFIER;

  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

package io.tasklane.cli;

import io.tasklane.cli.output.Style;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the API and prints for a person or, with {@code --json}, a script. */
public abstract class ApiCommand implements Callable<Integer> {

  @Spec protected CommandSpec spec;

  private TasklaneCli root() {
    return (TasklaneCli) spec.root().userObject();
  }

  protected Api api() {
    return root().api();
  }

  protected Terminal terminal() {
    return root().terminal();
  }

  protected PrintWriter out() {
    return terminal().out();
  }

  protected PrintWriter err() {
    return terminal().err();
  }

  protected Style style() {
    return terminal().style();
  }

  protected Instant now() {
    return terminal().clock().instant();
  }
}

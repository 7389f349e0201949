package io.tasklane.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints the bash/zsh completion script for the whole command tree. */
@Command(
    name = "completion",
    description = {
      "Print a bash/zsh completion script.",
      "Install: tasklane completion > ~/.local/share/bash-completion/completions/tasklane",
      "Or for this shell only: source <(tasklane completion)"
    })
final class CompletionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("tasklane", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}

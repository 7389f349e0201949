package io.tasklane.cli;

import io.tasklane.cli.approvals.ApprovalsCommand;
import io.tasklane.cli.cron.CronCommand;
import io.tasklane.cli.flows.FlowsCommand;
import io.tasklane.cli.tasks.TasksCommand;
import io.tasklane.contracts.FlowStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code tasklane}: the operator's view of the ledger from a terminal. */
@Command(
    name = "tasklane",
    mixinStandardHelpOptions = true,
    versionProvider = TasklaneCli.Version.class,
    description = "Inspect and steer Tasklane tasks, flows and cron jobs through the gateway.",
    subcommands = {
      TasksCommand.class,
      ApprovalsCommand.class,
      FlowsCommand.class,
      CronCommand.class,
      CompletionCommand.class,
    },
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  TASKLANE_URL      the gateway, default http://localhost:8080",
      "  TASKLANE_API_KEY  the API key, sent as a bearer token",
      "  NO_COLOR          when set, never colour the output"
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      " 0:success (follow: the task succeeded)",
      " 1:Tasklane refused the request (the reason is printed)",
      " 2:invalid command line",
      " 3:Tasklane could not be reached",
      " 4:no API key, or the key was rejected",
      " 5:the API key lacks the scope for this command",
      " 6:rate-limited; retry later",
      "10:follow: the task failed",
      "11:follow: the task timed out",
      "12:follow: the task was cancelled",
      "13:follow: the task was lost",
      "14:follow: the task needs assistance"
    })
public final class TasklaneCli implements Runnable {

  public static final String DEFAULT_URL = "http://localhost:8080";

  @Option(
      names = "--url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "Gateway URL (default: $TASKLANE_URL or " + DEFAULT_URL + ").")
  String url;

  @Option(
      names = "--api-key",
      scope = ScopeType.INHERIT,
      paramLabel = "KEY",
      description = "The API key (default: $TASKLANE_API_KEY).")
  String apiKey;

  @Spec CommandSpec spec;

  private final Terminal terminal;
  private Api api;

  TasklaneCli(Terminal terminal) {
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    System.exit(execute(Terminal.system(), args));
  }

  /** Runs one command line and returns its exit status. */
  public static int execute(Terminal terminal, String... args) {
    int status = commandLine(terminal).execute(args);
    terminal.out().flush();
    terminal.err().flush();
    return status;
  }

  /** The command tree, writing to {@code terminal}. */
  public static CommandLine commandLine(Terminal terminal) {
    CommandLine commandLine = new CommandLine(new TasklaneCli(terminal));
    withHelpOptions(commandLine);
    commandLine.setOut(terminal.out());
    commandLine.setErr(terminal.err());
    commandLine.setColorScheme(
        CommandLine.Help.defaultColorScheme(
            terminal.style().enabled() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
    WireValues.register(commandLine, TaskStatus.class);
    WireValues.register(commandLine, Runtime.class);
    WireValues.register(commandLine, NotifyPolicy.class);
    WireValues.register(commandLine, FlowStatus.class);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof CliFailure failure) {
            cmd.getErr().println("tasklane: " + failure.getMessage());
            return failure.exitCode();
          }
          cmd.getErr().println("tasklane: unexpected error: " + e);
          return ExitCodes.REQUEST_FAILED;
        });
    commandLine.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine cmd = e.getCommandLine();
          cmd.getErr().println("tasklane: " + e.getMessage());
          cmd.getErr()
              .println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
          return ExitCodes.USAGE;
        });
    return commandLine;
  }

  private static void withHelpOptions(CommandLine commandLine) {
    commandLine.getCommandSpec().mixinStandardHelpOptions(true);
    commandLine.getSubcommands().values().forEach(TasklaneCli::withHelpOptions);
  }

  @Override
  public void run() {
    spec.commandLine().usage(terminal.out());
  }

  Terminal terminal() {
    return terminal;
  }

  /** The API at the URL and key from the flags, else the environment. */
  Api api() {
    if (api == null) {
      String base = url != null ? url : terminal.env().getOrDefault("TASKLANE_URL", DEFAULT_URL);
      String key = apiKey != null ? apiKey : terminal.env().get("TASKLANE_API_KEY");
      api = new Api(base.isBlank() ? DEFAULT_URL : base, key);
    }
    return api;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TasklaneCli.class.getPackage().getImplementationVersion();
      return new String[] {"tasklane " + (version == null ? "(development build)" : version)};
    }
  }
}

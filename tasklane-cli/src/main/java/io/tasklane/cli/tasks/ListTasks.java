package io.tasklane.cli.tasks;

import picocli.CommandLine.Command;

/** {@code tasks list}. */
@Command(name = "list", description = "List tasks, newest first.")
final class ListTasks extends TaskListing {}

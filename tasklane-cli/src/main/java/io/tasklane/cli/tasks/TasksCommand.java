package io.tasklane.cli.tasks;

import io.tasklane.cli.audit.AuditCommand;
import io.tasklane.cli.maintenance.MaintenanceCommand;
import picocli.CommandLine.Command;

/** {@code tasks}: with no subcommand, the same as {@code tasks list}. */
@Command(
    name = "tasks",
    description = "Inspect and steer tasks; without a subcommand, list them.",
    subcommands = {
      ListTasks.class,
      ShowTask.class,
      FollowTask.class,
      TaskActions.Cancel.class,
      TaskActions.Pause.class,
      TaskActions.Resume.class,
      TaskActions.Retry.class,
      TaskActions.Approve.class,
      TaskActions.Deny.class,
      TaskActions.Notify.class,
      AuditCommand.class,
      MaintenanceCommand.class
    })
public final class TasksCommand extends TaskListing {}

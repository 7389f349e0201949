package io.tasklane.cli.approvals;

import picocli.CommandLine.Command;

/** {@code approvals}: with no subcommand, the same as {@code approvals list}. */
@Command(
    name = "approvals",
    description = "List the approval requests tasks wait for, oldest first.",
    subcommands = {ApprovalsCommand.ListApprovals.class})
public final class ApprovalsCommand extends ApprovalListing {

  @Command(name = "list", description = "List the approval requests tasks wait for, oldest first.")
  static final class ListApprovals extends ApprovalListing {}
}

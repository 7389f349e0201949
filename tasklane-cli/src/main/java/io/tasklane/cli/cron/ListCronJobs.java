package io.tasklane.cli.cron;

import picocli.CommandLine.Command;

/** {@code cron list}. */
@Command(name = "list", description = "List cron jobs.")
final class ListCronJobs extends CronJobListing {}

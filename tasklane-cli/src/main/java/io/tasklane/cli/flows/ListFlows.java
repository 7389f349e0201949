package io.tasklane.cli.flows;

import picocli.CommandLine.Command;

/** {@code flows list}. */
@Command(name = "list", description = "List flows, newest first.")
final class ListFlows extends FlowListing {}

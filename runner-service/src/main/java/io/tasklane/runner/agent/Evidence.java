package io.tasklane.runner.agent;

/** One tool call of a step as the runner recorded it: what the verifier judges. */
record Evidence(String tool, String arguments, String result, boolean error) {}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One tool call of a step as the runner observed it: the evidence a step is judged on, kept in the
 * resume context so that a pause or a recovery does not lose it.
 *
 * @param step the step the call belongs to
 * @param tool the tool's name; null when the model named a tool that does not exist
 * @param outcome ok, failed (the tool ran and reported an error, or refused), malformed (the
 *     arguments could not be read), blocked (the loop guard refused it) or unknown_tool
 * @param result what the tool returned, possibly shortened; never shown for calls that did not
 *     succeed
 * @param target what the call was about, as the runner read its arguments: the file written or
 *     read, the URL fetched, the command run; never shown for calls that did not succeed
 * @param modelAuthored true when the result is text the executor itself wrote and that merely came
 *     back (a file it wrote and then read)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObservedCall(
    int step, String tool, String outcome, String result, String target, boolean modelAuthored) {

  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String MALFORMED = "malformed";
  public static final String BLOCKED = "blocked";
  public static final String UNKNOWN_TOOL = "unknown_tool";

  public boolean succeeded() {
    return OK.equals(outcome);
  }
}

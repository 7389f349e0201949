package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Per-task model and execution settings; a null field means "use the runner's default".
 *
 * @param model the executor model
 * @param plannerModel the model that writes the plan (defaults to the executor model)
 * @param verifierModel the model that checks each step (defaults to the executor model)
 * @param toolsAllowed the tools the task may use; dangerous tools are denied unless listed
 * @param roundTimeoutSeconds the limit for one model round
 * @param runTimeoutSeconds the limit for the whole run, after which the task is timed_out
 * @param approvals the tool calls that wait for an operator's decision, or null for none
 * @param budget what the task may spend, or null for no limit
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelOptions(
    String model,
    String plannerModel,
    String verifierModel,
    List<String> toolsAllowed,
    Integer roundTimeoutSeconds,
    Integer runTimeoutSeconds,
    ApprovalPolicy approvals,
    Budget budget) {

  public ModelOptions {
    toolsAllowed = toolsAllowed == null ? null : List.copyOf(toolsAllowed);
  }

  public ModelOptions(
      String model,
      String plannerModel,
      String verifierModel,
      List<String> toolsAllowed,
      Integer roundTimeoutSeconds,
      Integer runTimeoutSeconds) {
    this(
        model,
        plannerModel,
        verifierModel,
        toolsAllowed,
        roundTimeoutSeconds,
        runTimeoutSeconds,
        null,
        null);
  }
}

package io.tasklane.runner.agent;

import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.StepStatus;
import java.util.List;
import java.util.regex.Pattern;

/** The texts the runner sends to the models. */
final class Prompts {

  private static final Pattern THINKING = Pattern.compile("(?s)<think>.*?</think>");

  private Prompts() {}

  static String planner(int maxSteps) {
    return """
        You plan background tasks for an agent that works with tools.
        Answer with JSON only, no prose, in exactly this shape:
        {"steps":[{"description":"what to do","doneWhen":"an observable check that proves the step is done"}]}
        Use 1 to %d steps. Every doneWhen must be checkable from tool results (a file exists with \
        some content, a fetched page contains something), never "the model says so".
        """
        .formatted(maxSteps);
  }

  static String step(String goal, List<PlanStep> plan, int current, String feedback) {
    StringBuilder prompt = new StringBuilder();
    prompt.append("You are executing a background task step by step with tools.\n\n");
    prompt.append("Goal: ").append(goal).append("\n\nPlan:\n");
    for (PlanStep step : plan) {
      String mark =
          step.status() == StepStatus.VERIFIED
              ? "done"
              : step.index() == current ? "CURRENT" : "later";
      prompt
          .append("  ")
          .append(step.index() + 1)
          .append(". [")
          .append(mark)
          .append("] ")
          .append(step.description())
          .append('\n');
    }
    PlanStep step = plan.get(current);
    prompt.append("\nCurrent step ").append(current + 1).append(": ").append(step.description());
    prompt.append("\nIt is done when: ").append(step.doneWhen()).append('\n');
    String verified = verifiedResults(plan);
    if (!verified.isEmpty()) {
      prompt.append("\nVerified results so far:\n").append(verified);
    }
    if (feedback != null && !feedback.isBlank()) {
      prompt
          .append("\nThe verifier rejected the previous attempt of this step: ")
          .append(feedback)
          .append('\n');
    }
    prompt.append(
        """

        Rules: do the work of the current step only, by calling tools. Saying that something is \
        done does not make it done: a verifier checks the recorded tool results. When the step \
        is complete, answer with one short sentence describing what you did and no tool calls.""");
    return prompt.toString();
  }

  static String stepInstruction(PlanStep step, String feedback) {
    String instruction =
        "Work on step "
            + (step.index() + 1)
            + ": "
            + step.description()
            + " (done when: "
            + step.doneWhen()
            + ")";
    return feedback == null || feedback.isBlank()
        ? instruction
        : instruction + "\nThe previous attempt was rejected: " + feedback;
  }

  static String verifier() {
    return """
        You verify one step of a task. You get the step, its done-when check and the tool calls \
        the runner recorded with their real results. The executor's own claims are not evidence. \
        Answer YES only if the recorded results prove the check; otherwise NO. Start your answer \
        with YES or NO, then one sentence with the reason.""";
  }

  static String verification(PlanStep step, List<Evidence> evidence) {
    StringBuilder text = new StringBuilder();
    text.append("Step: ").append(step.description()).append('\n');
    text.append("Done when: ").append(step.doneWhen()).append("\n\nRecorded tool calls:\n");
    if (evidence.isEmpty()) {
      text.append("(none: no tool was called for this step)\n");
    }
    int n = 1;
    for (Evidence e : evidence) {
      text.append(n++).append(". ").append(e.tool()).append(' ').append(e.arguments());
      text.append(e.error() ? " -> FAILED: " : " -> ")
          .append(truncate(e.result(), 2000))
          .append('\n');
    }
    return text.append("\nIs the step done? Answer YES or NO with the reason.").toString();
  }

  static String summary() {
    return "Write a short final summary (at most five sentences) of what the task achieved, for the person who asked for it. No tool calls.";
  }

  static String summaryRequest(String goal, List<PlanStep> plan) {
    return "Goal: " + goal + "\n\nVerified steps:\n" + verifiedResults(plan);
  }

  static String verifiedResults(List<PlanStep> plan) {
    StringBuilder text = new StringBuilder();
    for (PlanStep step : plan) {
      if (step.status() == StepStatus.VERIFIED) {
        text.append("  ").append(step.index() + 1).append(". ").append(step.description());
        if (step.verdict() != null) {
          text.append(" (verified: ").append(step.verdict()).append(')');
        }
        text.append('\n');
      }
    }
    return text.toString();
  }

  /** Drops a reasoning model's thinking and surrounding whitespace. */
  static String answer(String reply) {
    return reply == null ? "" : THINKING.matcher(reply).replaceAll("").trim();
  }

  static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + " [truncated]";
  }
}

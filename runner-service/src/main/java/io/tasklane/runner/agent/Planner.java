package io.tasklane.runner.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tasklane.contracts.PlanCheck;
import io.tasklane.contracts.PlanStep;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.model.ModelGateway;
import io.tasklane.runner.model.ModelRole;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the planner model for a plan and validates it (checks included: an unknown type or a path
 * outside the workspace makes the plan invalid); an invalid plan is retried once with the
 * validation error, then the task needs assistance.
 */
@Component
class Planner {

  @JsonIgnoreProperties(ignoreUnknown = true)
  record ProposedPlan(List<ProposedStep> steps) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record ProposedStep(String description, String doneWhen, PlanCheck check) {}

  private final ModelGateway models;
  private final JsonMapper json;
  private final int maxSteps;

  Planner(ModelGateway models, JsonMapper json, RunnerProperties properties) {
    this.models = models;
    this.json = json;
    this.maxSteps = properties.maxPlanSteps();
  }

  List<PlanStep> plan(String goal, TaskModels taskModels, Spend spend) throws InterruptedException {
    List<Message> messages = new ArrayList<>();
    messages.add(new SystemMessage(Prompts.planner(maxSteps)));
    messages.add(new UserMessage("Task: " + goal));
    String problem = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      String reply =
          spend
              .call(models, taskModels.call(ModelRole.PLANNER, List.copyOf(messages), List.of()))
              .text();
      try {
        return validate(parse(reply));
      } catch (InvalidPlan e) {
        problem = e.getMessage();
        messages.add(AssistantMessage.builder().content(reply).build());
        messages.add(
            new UserMessage(
                "That plan is invalid: " + problem + ". Answer again with the JSON plan only."));
      }
    }
    throw new NeedsAssistanceException("The planner did not produce a valid plan: " + problem);
  }

  private ProposedPlan parse(String reply) {
    String text = Prompts.answer(reply);
    int start = text.indexOf('{');
    int end = text.lastIndexOf('}');
    if (start < 0 || end < start) {
      throw new InvalidPlan("the answer contains no JSON object");
    }
    try {
      return json.readValue(text.substring(start, end + 1), ProposedPlan.class);
    } catch (JacksonException e) {
      throw new InvalidPlan("the JSON cannot be read (" + e.getOriginalMessage() + ")");
    }
  }

  private List<PlanStep> validate(ProposedPlan proposed) {
    if (proposed.steps() == null || proposed.steps().isEmpty()) {
      throw new InvalidPlan("it has no steps");
    }
    if (proposed.steps().size() > maxSteps) {
      throw new InvalidPlan(
          "it has " + proposed.steps().size() + " steps, at most " + maxSteps + " are allowed");
    }
    List<PlanStep> plan = new ArrayList<>();
    for (int i = 0; i < proposed.steps().size(); i++) {
      ProposedStep step = proposed.steps().get(i);
      if (step == null || blank(step.description())) {
        throw new InvalidPlan("step " + (i + 1) + " has no description");
      }
      if (blank(step.doneWhen())) {
        throw new InvalidPlan("step " + (i + 1) + " has no doneWhen check");
      }
      if (step.check() != null) {
        String problem = step.check().problem().orElse(null);
        if (problem != null) {
          throw new InvalidPlan("step " + (i + 1) + ": " + problem);
        }
      }
      plan.add(
          PlanStep.pending(i, step.description().trim(), step.doneWhen().trim(), step.check()));
    }
    return plan;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static final class InvalidPlan extends RuntimeException {
    InvalidPlan(String message) {
      super(message, null, false, false);
    }
  }
}

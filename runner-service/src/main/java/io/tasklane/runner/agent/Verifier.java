package io.tasklane.runner.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.PlanStep;
import io.tasklane.runner.model.ModelGateway;
import io.tasklane.runner.model.ModelRole;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.stereotype.Component;

/**
 * Asks the verifier model whether a step is done, given the step, its check and the recorded tool
 * evidence. Anything but a clear YES is a NO.
 */
@Component
class Verifier {

  private static final Pattern ANSWER =
      Pattern.compile("(?is)^[\\s*_#>`\"']*(YES|NO)\\b[\\s*_.,:;!\\-–—]*(.*)$");

  record Verdict(boolean passed, String reason) {}

  private final ModelGateway models;
  private final MeterRegistry meters;

  Verifier(ModelGateway models, MeterRegistry meters) {
    this.models = models;
    this.meters = meters;
  }

  Verdict verify(PlanStep step, List<Evidence> evidence, TaskModels taskModels)
      throws InterruptedException {
    String reply =
        models
            .call(
                taskModels.call(
                    ModelRole.VERIFIER,
                    List.of(
                        new SystemMessage(Prompts.verifier()),
                        new UserMessage(Prompts.verification(step, evidence))),
                    List.of()))
            .text();
    Verdict verdict = parse(reply);
    meters
        .counter(
            "tasklane.runner.verification.verdicts", "verdict", verdict.passed() ? "yes" : "no")
        .increment();
    return verdict;
  }

  static Verdict parse(String reply) {
    String answer = Prompts.answer(reply);
    if (answer.isEmpty()) {
      return new Verdict(false, "The verifier gave no answer.");
    }
    Matcher m = ANSWER.matcher(answer);
    if (!m.matches()) {
      return new Verdict(
          false, "The verifier's answer was neither YES nor NO: " + Prompts.truncate(answer, 300));
    }
    boolean yes = m.group(1).equalsIgnoreCase("YES");
    String reason = m.group(2).trim();
    if (reason.isEmpty()) {
      reason =
          yes
              ? "The verifier confirmed the step."
              : "The verifier rejected the step without a reason.";
    }
    return new Verdict(yes, Prompts.truncate(reason, 1000));
  }
}

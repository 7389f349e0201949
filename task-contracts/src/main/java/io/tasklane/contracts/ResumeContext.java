package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a runner needs to continue a task without repeating verified work.
 *
 * @param currentStep the index of the first step that is not verified
 * @param conversation the conversation so far, in order
 * @param evidence what the runner observed for the current step before it stopped, and the files
 *     earlier steps wrote; a resumed attempt is judged on it together with its own calls
 * @param usage what the task has spent so far, over all attempts (never null)
 * @param approval the task's latest approval request, pending or decided, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResumeContext(
    int currentStep,
    List<ConversationMessage> conversation,
    List<ObservedCall> evidence,
    Usage usage,
    ApprovalRequest approval) {

  public ResumeContext {
    conversation = conversation == null ? List.of() : List.copyOf(conversation);
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
    usage = usage == null ? Usage.none() : usage;
  }

  public ResumeContext(
      int currentStep, List<ConversationMessage> conversation, List<ObservedCall> evidence) {
    this(currentStep, conversation, evidence, Usage.none(), null);
  }

  public ResumeContext(int currentStep, List<ConversationMessage> conversation) {
    this(currentStep, conversation, List.of());
  }

  public static ResumeContext empty() {
    return new ResumeContext(0, List.of(), List.of(), Usage.none(), null);
  }
}

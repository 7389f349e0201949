package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a runner needs to continue a task without repeating verified work.
 *
 * @param currentStep the index of the first step that is not verified
 * @param conversation the conversation so far, in order
 * @param evidence what the runner observed for the current step before it stopped, and the files
 *     earlier steps wrote; a resumed attempt is judged on it together with its own calls
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResumeContext(
    int currentStep, List<ConversationMessage> conversation, List<ObservedCall> evidence) {

  public ResumeContext {
    conversation = conversation == null ? List.of() : List.copyOf(conversation);
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }

  public ResumeContext(int currentStep, List<ConversationMessage> conversation) {
    this(currentStep, conversation, List.of());
  }

  public static ResumeContext empty() {
    return new ResumeContext(0, List.of(), List.of());
  }
}

package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a runner needs to continue a task without repeating verified work.
 *
 * @param currentStep the index of the first step that is not verified
 * @param conversation the conversation so far, in order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResumeContext(int currentStep, List<ConversationMessage> conversation) {

  public ResumeContext {
    conversation = conversation == null ? List.of() : List.copyOf(conversation);
  }

  public static ResumeContext empty() {
    return new ResumeContext(0, List.of());
  }
}

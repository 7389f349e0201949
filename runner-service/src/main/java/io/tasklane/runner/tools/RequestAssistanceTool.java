package io.tasklane.runner.tools;

import java.util.Map;
import org.springframework.stereotype.Component;

@Component
class RequestAssistanceTool implements Tool {

  @Override
  public String name() {
    return "request_assistance";
  }

  @Override
  public String description() {
    return "Stop and ask the operator for help when the step cannot be done without it.";
  }

  @Override
  public String parametersSchema() {
    return """
        {"type":"object","properties":{"question":{"type":"string","description":"What you need from the operator"}},"required":["question"]}""";
  }

  @Override
  public ToolResult run(Map<String, Object> arguments, ToolScope scope) {
    Object question = arguments.get("question");
    if (!(question instanceof String text) || text.isBlank()) {
      return ToolResult.error("request_assistance needs a non-empty 'question'.");
    }
    throw new AssistanceRequestedException(text);
  }
}

package io.tasklane.runner.model;

import io.tasklane.runner.RunnerProperties.Endpoint;
import java.time.Duration;
import java.util.List;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.tool.ToolCallback;

/**
 * One model round to make.
 *
 * @param model the model name, which may differ from the endpoint's default per task
 * @param tools the tools offered; the runner executes the calls itself
 * @param timeout the limit for one attempt of the round
 */
public record ModelCall(
    ModelRole role,
    Endpoint endpoint,
    String model,
    List<Message> messages,
    List<ToolCallback> tools,
    Duration timeout) {}

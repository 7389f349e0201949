package io.tasklane.runner.agent;

import io.tasklane.contracts.ModelOptions;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.RunnerProperties.Endpoint;
import io.tasklane.runner.model.ModelCall;
import io.tasklane.runner.model.ModelRole;
import java.time.Duration;
import java.util.List;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.tool.ToolCallback;

/**
 * The models and limits one task uses: the runner's settings, overridden by the task's model
 * options. Planner and verifier default to the executor model.
 */
record TaskModels(
    Endpoint executor,
    String executorModel,
    Endpoint planner,
    String plannerModel,
    Endpoint verifier,
    String verifierModel,
    Duration roundTimeout,
    Duration runTimeout) {

  static TaskModels of(RunnerProperties properties, ModelOptions options) {
    RunnerProperties.Models models = properties.models();
    ModelOptions o =
        options == null ? new ModelOptions(null, null, null, null, null, null) : options;
    String executorModel = o.model() != null ? o.model() : models.executor().model();
    String plannerModel =
        o.plannerModel() != null
            ? o.plannerModel()
            : models.planner() != null ? models.planner().model() : executorModel;
    String verifierModel =
        o.verifierModel() != null
            ? o.verifierModel()
            : models.verifier() != null ? models.verifier().model() : executorModel;
    return new TaskModels(
        models.executor(),
        executorModel,
        models.plannerOrExecutor(),
        plannerModel,
        models.verifierOrExecutor(),
        verifierModel,
        o.roundTimeoutSeconds() != null
            ? Duration.ofSeconds(o.roundTimeoutSeconds())
            : models.roundTimeout(),
        o.runTimeoutSeconds() != null
            ? Duration.ofSeconds(o.runTimeoutSeconds())
            : properties.runTimeout());
  }

  ModelCall call(ModelRole role, List<Message> messages, List<ToolCallback> tools) {
    return switch (role) {
      case EXECUTOR -> new ModelCall(role, executor, executorModel, messages, tools, roundTimeout);
      case PLANNER -> new ModelCall(role, planner, plannerModel, messages, tools, roundTimeout);
      case VERIFIER -> new ModelCall(role, verifier, verifierModel, messages, tools, roundTimeout);
    };
  }
}

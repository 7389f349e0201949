package io.tasklane.runner.model;

import io.micrometer.observation.ObservationRegistry;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.RunnerProperties.Endpoint;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Spring AI chat models, one per endpoint. Their own retries are off: the gateway retries with
 * backoff and aborts timed-out requests itself.
 */
@Component
class ChatModels {

  private final RunnerProperties.Models settings;
  private final Map<Endpoint, ChatModel> models = new ConcurrentHashMap<>();

  ChatModels(RunnerProperties properties) {
    this.settings = properties.models();
  }

  ChatModel forEndpoint(Endpoint endpoint) {
    return models.computeIfAbsent(endpoint, this::create);
  }

  ToolCallingChatOptions options(Endpoint endpoint, ModelCall call) {
    return switch (endpoint.provider()) {
      case OLLAMA ->
          OllamaChatOptions.builder().model(call.model()).toolCallbacks(call.tools()).build();
      case OPENAI ->
          openAiOptions(endpoint).model(call.model()).toolCallbacks(call.tools()).build();
    };
  }

  private ChatModel create(Endpoint endpoint) {
    return switch (endpoint.provider()) {
      case OLLAMA -> ollama(endpoint);
      case OPENAI -> openAi(endpoint);
    };
  }

  private ChatModel ollama(Endpoint endpoint) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .build();
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
    requests.setReadTimeout(settings.httpTimeout());
    OllamaApi api =
        OllamaApi.builder()
            .baseUrl(endpoint.baseUrl())
            .restClientBuilder(RestClient.builder().requestFactory(requests))
            .build();
    return OllamaChatModel.builder()
        .ollamaApi(api)
        .options(OllamaChatOptions.builder().model(endpoint.model()).build())
        .retryTemplate(new RetryTemplate(RetryPolicy.withMaxRetries(0)))
        .observationRegistry(ObservationRegistry.NOOP)
        .build();
  }

  private ChatModel openAi(Endpoint endpoint) {
    return OpenAiChatModel.builder()
        .options(openAiOptions(endpoint).model(endpoint.model()).build())
        .observationRegistry(ObservationRegistry.NOOP)
        .build();
  }

  /** Connection settings go with every request's options, so no request falls back to defaults. */
  private OpenAiChatOptions.Builder openAiOptions(Endpoint endpoint) {
    return OpenAiChatOptions.builder()
        .baseUrl(endpoint.baseUrl())
        .apiKey(endpoint.apiKey().isBlank() ? "not-needed" : endpoint.apiKey())
        .timeout(settings.httpTimeout())
        .maxRetries(0);
  }
}

package io.tasklane.runner.model;

import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tasklane.runner.RunnerProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Makes model rounds: bounded concurrent requests per endpoint, a timeout per attempt that aborts
 * the in-flight request, and retries with exponential backoff and jitter for transport errors.
 * Client errors (4xx) are never retried.
 */
@Component
public class ModelGateway {

  private static final Logger log = LoggerFactory.getLogger(ModelGateway.class);
  private static final Pattern MALFORMED_OUTPUT =
      Pattern.compile(
          "(?i)does not match the expected|failed to parse tool call|error parsing tool call");

  private final ChatModels chatModels;
  private final RunnerProperties properties;
  private final MeterRegistry meters;
  private final Map<String, Semaphore> endpointPermits = new ConcurrentHashMap<>();
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();

  ModelGateway(ChatModels chatModels, RunnerProperties properties, MeterRegistry meters) {
    this.chatModels = chatModels;
    this.properties = properties;
    this.meters = meters;
    Gauge.builder("tasklane.runner.model.calls.waiting", this, ModelGateway::waitingForEndpoint)
        .description(
            "Model calls waiting for a free request on their endpoint"
                + " (tasklane.runner.models.max-concurrent-requests-per-endpoint)")
        .register(meters);
    Gauge.builder("tasklane.runner.model.calls.active", this, ModelGateway::activeRequests)
        .description("Model requests in flight, over all endpoints")
        .register(meters);
  }

  private double waitingForEndpoint() {
    return endpointPermits.values().stream().mapToInt(Semaphore::getQueueLength).sum();
  }

  private double activeRequests() {
    int perEndpoint = properties.models().maxConcurrentRequestsPerEndpoint();
    return endpointPermits.values().stream()
        .mapToInt(p -> perEndpoint - p.availablePermits())
        .sum();
  }

  /**
   * Makes one round, retrying transport errors.
   *
   * @throws InterruptedException when the calling task is cancelled; the request is aborted first
   * @throws ModelUnavailableException on a client error, or when the retries ran out
   * @throws MalformedModelReplyException when the model answered something that cannot be read
   */
  public ModelReply call(ModelCall call) throws InterruptedException {
    RunnerProperties.Retry retry = properties.retry();
    Exception last = null;
    boolean lastTimedOut = false;
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      if (attempt > 1) {
        Thread.sleep(backoff(attempt - 1).toMillis());
      }
      long started = System.nanoTime();
      try {
        ModelReply reply = attempt(call);
        record(call, started, "ok");
        return reply;
      } catch (TimeoutException e) {
        record(call, started, "timeout");
        last = e;
        lastTimedOut = true;
        log.warn(
            "{} round timed out after {} (attempt {})", call.role().tag(), call.timeout(), attempt);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        String malformed = malformedReply(cause);
        if (malformed != null) {
          record(call, started, "malformed");
          throw new MalformedModelReplyException(malformed, cause);
        }
        if (!isTransient(cause)) {
          record(call, started, "client_error");
          throw new ModelUnavailableException(
              "Model " + call.model() + " rejected the request: " + cause.getMessage(),
              false,
              cause);
        }
        record(call, started, "transport_error");
        last = (Exception) cause;
        lastTimedOut = false;
        log.warn("{} round failed (attempt {}): {}", call.role().tag(), attempt, cause.toString());
      }
    }
    throw new ModelUnavailableException(
        "Model "
            + call.model()
            + " failed "
            + retry.maxAttempts()
            + " times; last: "
            + (lastTimedOut ? "no answer within " + call.timeout() : String.valueOf(last)),
        lastTimedOut,
        last);
  }

  private ModelReply attempt(ModelCall call)
      throws InterruptedException, TimeoutException, ExecutionException {
    Semaphore permits =
        endpointPermits.computeIfAbsent(
            call.endpoint().baseUrl(),
            url -> new Semaphore(properties.models().maxConcurrentRequestsPerEndpoint(), true));
    permits.acquire();
    Future<ChatResponse> response;
    try {
      Prompt prompt = new Prompt(call.messages(), chatModels.options(call.endpoint(), call));
      response =
          requests.submit(
              () -> {
                try {
                  return chatModels.forEndpoint(call.endpoint()).call(prompt);
                } finally {
                  permits.release();
                }
              });
    } catch (RuntimeException e) {
      permits.release();
      throw e;
    }
    try {
      ChatResponse chat = response.get(call.timeout().toMillis(), TimeUnit.MILLISECONDS);
      long tokens = countTokens(call, chat);
      if (chat.getResult() == null) {
        return new ModelReply("", null, tokens);
      }
      return new ModelReply(
          chat.getResult().getOutput().getText(),
          chat.getResult().getOutput().getToolCalls(),
          tokens);
    } catch (TimeoutException | InterruptedException e) {
      // interrupting the request's virtual thread closes its socket: the request is aborted
      response.cancel(true);
      throw e;
    }
  }

  private Duration backoff(int retryNumber) {
    RunnerProperties.Retry retry = properties.retry();
    double base = retry.initialBackoff().toMillis() * Math.pow(retry.multiplier(), retryNumber - 1);
    double capped = Math.min(base, retry.maxBackoff().toMillis());
    double spread = capped * retry.jitter();
    double jittered = capped - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread;
    return Duration.ofMillis(Math.max(0, Math.round(jittered)));
  }

  /**
   * Why the model's answer could not be read, or null when the failure is not about the answer: a
   * server that refused the model's own tool-call syntax (llama.cpp answers 500 "does not match the
   * expected ... format"), or a reply the client cannot decode (tool-call arguments that are a
   * string, not an object).
   */
  static String malformedReply(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (MALFORMED_OUTPUT.matcher(message).find()) {
        return "the model server could not parse the model's output: " + shorten(message, 300);
      }
      String type = t.getClass().getName();
      if (type.endsWith("HttpMessageNotReadableException")
          || type.startsWith("tools.jackson.")
          || type.startsWith("com.fasterxml.jackson.")) {
        return "the reply could not be decoded (for example tool-call arguments that are not a JSON"
            + " object): "
            + shorten(message, 300);
      }
    }
    return null;
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }

  static boolean isTransient(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      switch (t) {
        case NonTransientAiException e -> {
          return false;
        }
        case TransientAiException e -> {
          return true;
        }
        case OpenAIServiceException e -> {
          return e.statusCode() >= 500;
        }
        case RestClientResponseException e -> {
          return e.getStatusCode().is5xxServerError();
        }
        case OpenAIIoException e -> {
          return true;
        }
        case ResourceAccessException e -> {
          return true;
        }
        case IOException e -> {
          return true;
        }
        default -> {}
      }
    }
    return false;
  }

  private void record(ModelCall call, long startedNanos, String outcome) {
    Timer.builder("tasklane.runner.model.round")
        .description("Latency of one model round attempt")
        .tags("role", call.role().tag(), "model", call.model(), "outcome", outcome)
        .register(meters)
        .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  /** Counts the tokens the server reported; returns prompt plus completion tokens. */
  private long countTokens(ModelCall call, ChatResponse chat) {
    Usage usage = chat.getMetadata() == null ? null : chat.getMetadata().getUsage();
    if (usage == null) {
      return 0;
    }
    tokens(call, "prompt", usage.getPromptTokens());
    tokens(call, "completion", usage.getCompletionTokens());
    return positive(usage.getPromptTokens()) + positive(usage.getCompletionTokens());
  }

  private static long positive(Integer count) {
    return count == null ? 0 : Math.max(0, count);
  }

  private void tokens(ModelCall call, String kind, Integer count) {
    if (count != null && count > 0) {
      Counter.builder("tasklane.runner.model.tokens")
          .description("Tokens used by model rounds")
          .tags("role", call.role().tag(), "model", call.model(), "kind", kind)
          .register(meters)
          .increment(count);
    }
  }
}

package io.tasklane.runner.model;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.runner.RunnerProperties.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whether each role's model endpoint answers and serves its model, asked the way each server lists
 * its models (Ollama {@code GET /api/tags}, OpenAI-compatible {@code GET /models}). Shown as the
 * {@code modelEndpoint} health component (DOWN while any role's model is unusable; readiness and
 * liveness do not include it, since every replica shares the endpoint and none can fix it by
 * restarting or taking no traffic) and as {@code tasklane.runner.model.endpoint.up{role}}.
 */
@Component("modelEndpoint")
class ModelEndpointHealth implements HealthIndicator {

  static final Duration FRESH_FOR = Duration.ofSeconds(10);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  enum State {
    PRESENT,
    MISSING,
    UNREACHABLE,
    FAILED
  }

  record Probe(State state, String detail) {}

  private final Map<ModelRole, Endpoint> endpoints = new EnumMap<>(ModelRole.class);
  private final HttpClient http;
  private final JsonMapper json;
  private Map<ModelRole, Probe> last = Map.of();
  private Instant probedAt = Instant.MIN;

  ModelEndpointHealth(RunnerProperties properties, JsonMapper json, MeterRegistry meters) {
    RunnerProperties.Models models = properties.models();
    endpoints.put(ModelRole.PLANNER, models.plannerOrExecutor());
    endpoints.put(ModelRole.EXECUTOR, models.executor());
    endpoints.put(ModelRole.VERIFIER, models.verifierOrExecutor());
    this.json = json;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT)
            .build();
    for (ModelRole role : ModelRole.values()) {
      Gauge.builder(
              "tasklane.runner.model.endpoint.up",
              this,
              health -> health.current().get(role).state() == State.PRESENT ? 1 : 0)
          .description("1 while the role's model endpoint answers and serves its model")
          .tag("role", role.tag())
          .register(meters);
    }
  }

  @Override
  public Health health() {
    Map<ModelRole, Probe> probes = current();
    boolean usable = probes.values().stream().allMatch(p -> p.state() == State.PRESENT);
    Health.Builder health = usable ? Health.up() : Health.down();
    for (ModelRole role : ModelRole.values()) {
      Endpoint endpoint = endpoints.get(role);
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("provider", endpoint.provider().name().toLowerCase(java.util.Locale.ROOT));
      detail.put("url", withoutUserInfo(endpoint.baseUrl()));
      detail.put("model", endpoint.model());
      detail.put("state", probes.get(role).state().name().toLowerCase(java.util.Locale.ROOT));
      detail.put("detail", probes.get(role).detail());
      health.withDetail(role.tag(), detail);
    }
    return health.build();
  }

  /** The last probe of every role, probed again when older than {@link #FRESH_FOR}. */
  synchronized Map<ModelRole, Probe> current() {
    if (Instant.now().isAfter(probedAt.plus(FRESH_FOR))) {
      Map<Endpoint, Probe> byEndpoint = new LinkedHashMap<>();
      Map<ModelRole, Probe> probes = new EnumMap<>(ModelRole.class);
      for (ModelRole role : ModelRole.values()) {
        probes.put(role, byEndpoint.computeIfAbsent(endpoints.get(role), this::probe));
      }
      last = probes;
      probedAt = Instant.now();
    }
    return last;
  }

  private Probe probe(Endpoint endpoint) {
    String base = endpoint.baseUrl().replaceAll("/+$", "");
    boolean ollama = endpoint.provider() == RunnerProperties.Provider.OLLAMA;
    URI listing = URI.create(base + (ollama ? "/api/tags" : "/models"));
    HttpRequest.Builder request = HttpRequest.newBuilder(listing).timeout(PROBE_TIMEOUT).GET();
    if (!ollama && !endpoint.apiKey().isBlank()) {
      request.header("Authorization", "Bearer " + endpoint.apiKey());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe(State.UNREACHABLE, "interrupted");
    } catch (Exception e) {
      return new Probe(State.UNREACHABLE, "nothing answers at " + withoutUserInfo(base));
    }
    if (response.statusCode() != 200) {
      return new Probe(State.FAILED, listing.getPath() + " answered " + response.statusCode());
    }
    List<String> served = new ArrayList<>();
    try {
      JsonNode body = json.readTree(response.body());
      for (JsonNode model : ollama ? body.path("models") : body.path("data")) {
        served.add(model.path(ollama ? "name" : "id").asString(""));
      }
    } catch (RuntimeException e) {
      return new Probe(State.FAILED, listing.getPath() + " answered something other than a list");
    }
    if (served.stream().anyMatch(name -> sameModel(name, endpoint.model(), ollama))) {
      return new Probe(State.PRESENT, "serves " + endpoint.model());
    }
    return new Probe(
        State.MISSING,
        ollama
            ? "not pulled: ollama pull " + endpoint.model()
            : "it serves only: "
                + String.join(", ", served.subList(0, Math.min(10, served.size()))));
  }

  /** Ollama names a model without a tag as its {@code :latest}. */
  private static boolean sameModel(String served, String wanted, boolean ollama) {
    if (served.equals(wanted)) {
      return true;
    }
    return ollama && !wanted.contains(":") && served.equals(wanted + ":latest");
  }

  private static String withoutUserInfo(String url) {
    return url.replaceFirst("://[^/@]*@", "://");
  }
}

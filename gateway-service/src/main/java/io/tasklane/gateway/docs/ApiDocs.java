package io.tasklane.gateway.docs;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.gateway.GatewayProperties;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One OpenAPI document for the public API: the ledger's and the notifier's specs merged, served
 * under the gateway's address, with the API-key security scheme declared.
 */
@RestController
class ApiDocs {

  private final WebClient http;
  private final JsonMapper json;
  private final List<URI> sources;

  ApiDocs(JsonMapper json, GatewayProperties properties) {
    this.http = WebClient.create();
    this.json = json;
    this.sources =
        List.of(
            properties.ledgerUrl().resolve("/v3/api-docs"),
            properties.notifierUrl().resolve("/v3/api-docs"));
  }

  @GetMapping(path = "/v3/api-docs", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<String> merged() {
    return Flux.fromIterable(sources)
        .concatMap(
            source ->
                http.get()
                    .uri(source)
                    .retrieve()
                    .bodyToMono(String.class)
                    .timeout(Duration.ofSeconds(5))
                    .map(json::readTree)
                    .onErrorResume(e -> Mono.empty()))
        .collectList()
        .map(specs -> json.writeValueAsString(merge(specs)));
  }

  private ObjectNode merge(List<JsonNode> specs) {
    ObjectNode merged = json.createObjectNode();
    merged.put("openapi", "3.1.0");
    ObjectNode info = merged.putObject("info");
    info.put("title", "Tasklane API");
    info.put("version", "v1");
    info.put(
        "description",
        "Tasks, events and sessions of Tasklane. Authenticate with an API key as a Bearer token or"
            + " in the X-API-Key header.");
    info.putObject("license").put("name", "Apache License 2.0").put("identifier", "Apache-2.0");
    merged.putArray("servers").addObject().put("url", "/");
    ObjectNode paths = merged.putObject("paths");
    ObjectNode components = merged.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    for (JsonNode spec : specs) {
      spec.path("paths")
          .properties()
          .forEach(
              entry ->
                  paths.set(
                      entry.getKey(), withProblems(withoutIdentityHeaders(entry.getValue()))));
      spec.path("components")
          .path("schemas")
          .properties()
          .forEach(entry -> schemas.set(entry.getKey(), entry.getValue()));
    }
    schemas.set("Problem", problemSchema());
    withoutUnusedSchemas(paths, schemas);
    ObjectNode security = components.putObject("securitySchemes");
    security.putObject("bearerAuth").put("type", "http").put("scheme", "bearer");
    security
        .putObject("apiKeyHeader")
        .put("type", "apiKey")
        .put("in", "header")
        .put("name", "X-API-Key");
    var requirements = merged.putArray("security");
    requirements.addObject().putArray("bearerAuth");
    requirements.addObject().putArray("apiKeyHeader");
    return merged;
  }

  private static final String SCHEMA_REF = "#/components/schemas/";

  /**
   * Drops the schemas no operation refers to, directly or through other schemas: a backend
   * registers the type a handler returns even where the operation documents another (an event
   * stream's emitter).
   */
  private static void withoutUnusedSchemas(JsonNode paths, ObjectNode schemas) {
    Set<String> used = new HashSet<>();
    Deque<JsonNode> pending = new ArrayDeque<>(List.of(paths));
    while (!pending.isEmpty()) {
      JsonNode node = pending.pop();
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isString() && ref.asString().startsWith(SCHEMA_REF)) {
        String name = ref.asString().substring(SCHEMA_REF.length());
        if (used.add(name) && schemas.has(name)) {
          pending.push(schemas.get(name));
        }
      }
      node.forEach(pending::push);
    }
    schemas.retain(used);
  }

  /**
   * What the gateway itself answers before any backend sees the request, as problems: a malformed
   * request, a missing or unknown key, a key without the scope, too many requests, a body over the
   * limit.
   */
  private static final Map<String, String> GATEWAY_PROBLEMS =
      Map.of(
          "400", "A malformed request (headers, path, query or body)",
          "401", "No API key, or one the gateway does not know",
          "403", "The API key lacks the scope this operation needs",
          "429", "Too many requests; retry after the seconds in Retry-After");

  private static final String BODY_TOO_LARGE = "413";

  /**
   * Every operation gets the gateway's own problems, and every 4xx response (a backend's too) the
   * problem body it is sent with: springdoc gives a described error the operation's own body.
   */
  private JsonNode withProblems(JsonNode pathItem) {
    if (!(pathItem instanceof ObjectNode item)) {
      return pathItem;
    }
    item.properties()
        .forEach(
            entry -> {
              if (!(entry.getValue() instanceof ObjectNode operation)) {
                return;
              }
              ObjectNode responses =
                  operation.path("responses") instanceof ObjectNode existing
                      ? existing
                      : operation.putObject("responses");
              GATEWAY_PROBLEMS.forEach(
                  (status, description) -> {
                    if (!responses.has(status)) {
                      responses.putObject(status).put("description", description);
                    }
                  });
              if (operation.has("requestBody") && !responses.has(BODY_TOO_LARGE)) {
                responses
                    .putObject(BODY_TOO_LARGE)
                    .put("description", "The request body is larger than the gateway accepts");
              }
              responses
                  .properties()
                  .forEach(
                      response -> {
                        if (response.getKey().startsWith("4")
                            && response.getValue() instanceof ObjectNode described) {
                          described
                              .putObject("content")
                              .putObject(MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                              .putObject("schema")
                              .put("$ref", "#/components/schemas/Problem");
                        }
                      });
            });
    return item;
  }

  /** RFC 9457 problem details, with the stable type URIs the services use. */
  private ObjectNode problemSchema() {
    ObjectNode problem = json.createObjectNode();
    problem.put("type", "object");
    problem.put(
        "description",
        "An RFC 9457 problem. `type` is stable: https://tasklane.io/problems/<slug>.");
    ObjectNode properties = problem.putObject("properties");
    properties.putObject("type").put("type", "string").put("format", "uri");
    properties.putObject("title").put("type", "string");
    properties.putObject("status").put("type", "integer");
    properties.putObject("detail").put("type", "string");
    properties.putObject("instance").put("type", "string");
    problem.putArray("required").add("type").add("title").add("status");
    return problem;
  }

  /** The gateway sets the identity headers itself; clients never send them. */
  private static JsonNode withoutIdentityHeaders(JsonNode pathItem) {
    if (pathItem instanceof ObjectNode item) {
      item.properties()
          .forEach(
              operation -> {
                JsonNode parameters = operation.getValue().path("parameters");
                if (parameters.isArray()) {
                  var kept = ((ObjectNode) operation.getValue()).putArray("parameters");
                  parameters.forEach(
                      parameter -> {
                        if (!parameter
                            .path("name")
                            .asString()
                            .toLowerCase(Locale.ROOT)
                            .startsWith(SignedIdentity.TRUSTED_HEADER_PREFIX)) {
                          kept.add(parameter);
                        }
                      });
                }
              });
    }
    return pathItem;
  }
}

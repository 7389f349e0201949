package io.tasklane.gateway.docs;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.gateway.GatewayProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
    merged.putArray("servers").addObject().put("url", "/");
    ObjectNode paths = merged.putObject("paths");
    ObjectNode components = merged.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    for (JsonNode spec : specs) {
      spec.path("paths")
          .properties()
          .forEach(entry -> paths.set(entry.getKey(), withoutIdentityHeaders(entry.getValue())));
      spec.path("components")
          .path("schemas")
          .properties()
          .forEach(entry -> schemas.set(entry.getKey(), entry.getValue()));
    }
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

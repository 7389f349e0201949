package io.tasklane.gateway.health;

import io.tasklane.gateway.problems.Problems;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.ReactiveHealthEndpointWebExtension;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The health probes on the public port, status only: every other actuator endpoint (metrics,
 * Prometheus, the detailed health) is served on the management port alone.
 */
@RestController
class PublicHealth {

  private final ReactiveHealthEndpointWebExtension health;

  PublicHealth(ReactiveHealthEndpointWebExtension health) {
    this.health = health;
  }

  @GetMapping(path = "/actuator/health", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Void> overall(ServerHttpResponse response) {
    return answer(response, "overall");
  }

  @GetMapping(path = "/actuator/health/liveness", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Void> liveness(ServerHttpResponse response) {
    return answer(response, "liveness", "liveness");
  }

  @GetMapping(path = "/actuator/health/readiness", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Void> readiness(ServerHttpResponse response) {
    return answer(response, "readiness", "readiness");
  }

  private Mono<Void> answer(ServerHttpResponse response, String name, String... group) {
    return health
        .health(ApiVersion.LATEST, WebServerNamespace.SERVER, SecurityContext.NONE, false, group)
        .flatMap(
            result -> {
              if (result.getStatus() == HttpStatus.OK.value() && result.getBody() != null) {
                String body = "{\"status\":\"" + result.getBody().getStatus().getCode() + "\"}";
                response.setStatusCode(HttpStatus.OK);
                response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
                return response.writeWith(
                    Mono.just(response.bufferFactory().wrap(body.getBytes())));
              }
              String status =
                  result.getBody() == null ? "UNKNOWN" : result.getBody().getStatus().getCode();
              return Problems.write(
                  response,
                  HttpStatus.SERVICE_UNAVAILABLE,
                  "unavailable",
                  "The gateway is not healthy (" + name + ": " + status + ")");
            });
  }
}

package io.tasklane.gateway.problems;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Every error the gateway's own handling raises becomes a problem: routing and proxying failures
 * (backend unreachable, timed out), framework refusals (405, 406, 415, 404 of the gateway's own
 * handlers) and anything unexpected, which is a 500 without details.
 */
@Component
@Order(-2)
class GatewayErrors implements ErrorWebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(GatewayErrors.class);

  record Problem(HttpStatus status, String slug, String detail) {}

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
    var response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(error);
    }
    Problem problem = classify(error);
    if (problem.status().is5xxServerError()) {
      if (problem.status() == HttpStatus.INTERNAL_SERVER_ERROR) {
        log.error("{} {} failed", exchange.getRequest().getMethod(), routeOf(exchange), error);
      } else {
        log.warn(
            "{} {}: {} ({})",
            exchange.getRequest().getMethod(),
            routeOf(exchange),
            problem.detail(),
            error.toString());
      }
    }
    response.getHeaders().clear();
    if (error instanceof MethodNotAllowedException notAllowed) {
      response.getHeaders().setAllow(notAllowed.getSupportedMethods());
    }
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return Problems.write(response, problem.status(), problem.slug(), problem.detail());
  }

  static Problem classify(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      switch (e) {
        case ConnectException c -> {
          return new Problem(HttpStatus.BAD_GATEWAY, "bad-gateway", "The backend is unreachable");
        }
        case UnknownHostException u -> {
          return new Problem(HttpStatus.BAD_GATEWAY, "bad-gateway", "The backend is unreachable");
        }
        case PrematureCloseException p -> {
          return new Problem(
              HttpStatus.BAD_GATEWAY, "bad-gateway", "The backend closed the connection early");
        }
        case TimeoutException t -> {
          return new Problem(
              HttpStatus.GATEWAY_TIMEOUT, "gateway-timeout", "The backend did not answer in time");
        }
        case DataBufferLimitException d -> {
          return new Problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", d.getMessage());
        }
        default -> {}
      }
    }
    if (error instanceof ResponseStatusException status) {
      HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
      if (code == null) {
        code = HttpStatus.INTERNAL_SERVER_ERROR;
      }
      return new Problem(code, slug(code), detail(code, status.getReason()));
    }
    return new Problem(
        HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "The gateway failed unexpectedly");
  }

  private static String slug(HttpStatus status) {
    return switch (status) {
      case BAD_REQUEST -> "bad-request";
      case NOT_FOUND -> "not-found";
      case METHOD_NOT_ALLOWED -> "method-not-allowed";
      case NOT_ACCEPTABLE -> "not-acceptable";
      case CONTENT_TOO_LARGE -> "payload-too-large";
      case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
      case BAD_GATEWAY -> "bad-gateway";
      case SERVICE_UNAVAILABLE -> "service-unavailable";
      case GATEWAY_TIMEOUT -> "gateway-timeout";
      case INTERNAL_SERVER_ERROR -> "internal-error";
      default -> "http-" + status.value();
    };
  }

  /** The framework's reason for client errors; for server errors nothing that leaks internals. */
  private static String detail(HttpStatus status, String reason) {
    return switch (status) {
      case SERVICE_UNAVAILABLE -> "No backend is available for this request";
      case GATEWAY_TIMEOUT -> "The backend did not answer in time";
      case BAD_GATEWAY -> "The backend is unreachable";
      default ->
          status.is4xxClientError() && reason != null && !reason.isBlank()
              ? reason
              : status.getReasonPhrase();
    };
  }

  private static String routeOf(ServerWebExchange exchange) {
    return exchange.getRequest().getPath().value();
  }
}

package io.tasklane.gateway.problems;

import io.tasklane.contracts.ProblemTypes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** RFC 9457 problem responses written by the gateway itself. */
public final class Problems {

  public static final String BASE = ProblemTypes.BASE;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Problems() {}

  public static Mono<Void> write(
      ServerHttpResponse response, HttpStatus status, String slug, String title, String detail) {
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    byte[] body = body(status, slug, title, detail);
    response.getHeaders().setContentLength(body.length);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }

  /** The problem document itself, as bytes of JSON. */
  static byte[] body(HttpStatus status, String slug, String title, String detail) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", BASE + slug);
    problem.put("title", title);
    problem.put("status", status.value());
    problem.put("detail", detail);
    return JSON.writeValueAsBytes(problem);
  }

  /** A problem titled with the status's reason phrase. */
  public static Mono<Void> write(
      ServerHttpResponse response, HttpStatus status, String slug, String detail) {
    return write(response, status, slug, status.getReasonPhrase(), detail);
  }
}

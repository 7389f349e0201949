package io.tasklane.gateway.board;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.HEAD;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The operators' board: a page at {@code /} and its scripts and styles under {@code /board/}, all
 * from the gateway's jar. They are open like the API documents; the board reads the API with the
 * key its user signs in with, so everything it shows goes through the gateway's authentication.
 */
@Configuration
class Board {

  /** No inline script or style, nothing from another origin, never framed. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private static final Resource PAGE = new ClassPathResource("board/index.html");

  @Bean
  RouterFunction<ServerResponse> boardPages() {
    return RouterFunctions.route(
            GET("/").or(HEAD("/")),
            request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(PAGE))
        .and(RouterFunctions.resources("/board/**", new ClassPathResource("board/")))
        .filter(securityHeaders());
  }

  private static HandlerFilterFunction<ServerResponse, ServerResponse> securityHeaders() {
    return (request, next) -> {
      HttpHeaders headers = request.exchange().getResponse().getHeaders();
      headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("X-Frame-Options", "DENY");
      headers.set("Referrer-Policy", "no-referrer");
      headers.set("Cross-Origin-Opener-Policy", "same-origin");
      headers.set("Cross-Origin-Resource-Policy", "same-origin");
      headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
      headers.setCacheControl("no-cache");
      return next.handle(request);
    };
  }
}

package io.tasklane.gateway.auth;

import io.tasklane.gateway.GatewayProperties;
import java.util.Locale;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Guards the public API: authenticates the API key, checks its scope, limits its rate and the
 * request size, and replaces any identity header the client sent with the resolved tenant. The
 * credentials themselves never travel past the gateway.
 */
@Component
class EdgeFilter implements WebFilter, Ordered {

  static final String TENANT_HEADER = "X-Tasklane-Tenant";
  static final String IDENTITY_PREFIX = "x-tasklane-";

  private final ApiKeys apiKeys;
  private final JwtCallers jwtCallers;
  private final RateLimiter rateLimiter;
  private final long maxRequestBytes;

  EdgeFilter(
      ApiKeys apiKeys,
      JwtCallers jwtCallers,
      RateLimiter rateLimiter,
      GatewayProperties properties) {
    this.apiKeys = apiKeys;
    this.jwtCallers = jwtCallers;
    this.rateLimiter = rateLimiter;
    this.maxRequestBytes = properties.maxRequestBytes();
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    String path = request.getPath().pathWithinApplication().value();
    if (!path.startsWith("/api/") || request.getMethod() == HttpMethod.OPTIONS) {
      return chain.filter(exchange);
    }
    Optional<String> presented = credentials(request.getHeaders());
    if (presented.isEmpty()) {
      exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.UNAUTHORIZED,
          "unauthenticated",
          "Authentication required",
          "Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
    }
    return resolve(presented.get())
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            caller ->
                caller.isPresent()
                    ? admit(exchange, chain, caller.get(), path)
                    : unauthorized(exchange));
  }

  private static Mono<Void> unauthorized(ServerWebExchange exchange) {
    exchange
        .getResponse()
        .getHeaders()
        .set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
    return Problems.write(
        exchange.getResponse(),
        HttpStatus.UNAUTHORIZED,
        "unauthenticated",
        "Authentication required",
        "The API key or token is not valid");
  }

  private Mono<Caller> resolve(String token) {
    Optional<Caller> byKey =
        apiKeys.find(token).map(key -> new Caller(key.name(), key.tenant(), key.scopes()));
    if (byKey.isPresent()) {
      return Mono.just(byKey.get());
    }
    if (jwtCallers.enabled() && JwtCallers.looksLikeJwt(token)) {
      return jwtCallers.caller(token);
    }
    return Mono.empty();
  }

  private Mono<Void> admit(
      ServerWebExchange exchange, WebFilterChain chain, Caller caller, String path) {
    ServerHttpRequest request = exchange.getRequest();
    String required = requiredScope(request.getMethod(), path);
    if (!caller.scopes().contains(required) && !caller.scopes().contains("admin")) {
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.FORBIDDEN,
          "forbidden",
          "Missing scope",
          "These credentials lack the scope '" + required + "'");
    }
    long retryAfter = rateLimiter.acquire(caller.name());
    if (retryAfter > 0) {
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.TOO_MANY_REQUESTS,
          "rate-limited",
          "Too many requests",
          "Rate limit of this API key exceeded; retry after " + retryAfter + " s");
    }
    if (request.getHeaders().getContentLength() > maxRequestBytes) {
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.CONTENT_TOO_LARGE,
          "payload-too-large",
          "Request body too large",
          "The request body is larger than " + maxRequestBytes + " bytes");
    }
    String tenant = caller.tenant();
    ServerHttpRequest forwarded =
        request
            .mutate()
            .headers(
                headers -> {
                  headers.headerNames().stream()
                      .filter(name -> name.toLowerCase(Locale.ROOT).startsWith(IDENTITY_PREFIX))
                      .toList()
                      .forEach(headers::remove);
                  headers.remove(HttpHeaders.AUTHORIZATION);
                  headers.remove("X-API-Key");
                  headers.set(TENANT_HEADER, tenant);
                })
            .build();
    return chain.filter(exchange.mutate().request(forwarded).build());
  }

  static String requiredScope(HttpMethod method, String path) {
    if (path.startsWith("/api/v1/maintenance") || path.startsWith("/api/v1/audit")) {
      return "admin";
    }
    return method == HttpMethod.GET || method == HttpMethod.HEAD ? "tasks:read" : "tasks:write";
  }

  private static Optional<String> credentials(HttpHeaders headers) {
    String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).trim();
      if (!token.isEmpty()) {
        return Optional.of(token);
      }
    }
    String apiKey = headers.getFirst("X-API-Key");
    return apiKey == null || apiKey.isBlank() ? Optional.empty() : Optional.of(apiKey.trim());
  }
}

package io.tasklane.gateway.auth;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.gateway.GatewayProperties;
import io.tasklane.gateway.problems.Problems;
import io.tasklane.gateway.routes.PublicRoutes;
import io.tasklane.gateway.routes.RequestTarget;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.CorsProcessor;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The one decision every request gets, before anything else sees it: the path is read once into its
 * canonical spelling ({@link RequestTarget}), matched against {@link PublicRoutes} (no match: 404),
 * and a request for a backend is authenticated, checked for scope, rate and size, and forwarded
 * with the canonical path and a signed identity. Identity and forwarding headers a client sent are
 * removed from every request; the credentials themselves never travel past the gateway.
 */
@Component
class EdgeFilter implements WebFilter, Ordered {

  static final Set<HttpMethod> METHODS =
      Set.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.PATCH,
          HttpMethod.DELETE,
          HttpMethod.OPTIONS);

  /** Headers that only a proxy in front of a backend may set; clients' values are never passed. */
  static final List<String> HOP_HEADERS = List.of("forwarded", "x-forwarded-", "x-real-ip");

  private final ApiKeys apiKeys;
  private final JwtCallers jwtCallers;
  private final RateLimiter rateLimiter;
  private final SignedIdentity signer;
  private final CorsConfigurationSource cors;
  private final CorsProcessor corsProcessor = new DefaultCorsProcessor();
  private final long maxRequestBytes;
  private final Clock clock = Clock.systemUTC();
  private final ApplicationContext publicServer;

  EdgeFilter(
      ApiKeys apiKeys,
      JwtCallers jwtCallers,
      RateLimiter rateLimiter,
      SignedIdentity signer,
      CorsConfigurationSource cors,
      GatewayProperties properties,
      ApplicationContext publicServer) {
    this.apiKeys = apiKeys;
    this.jwtCallers = jwtCallers;
    this.rateLimiter = rateLimiter;
    this.signer = signer;
    this.cors = cors;
    this.maxRequestBytes = properties.maxRequestBytes();
    this.publicServer = publicServer;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ApplicationContext server = exchange.getApplicationContext();
    if (server != null && server != publicServer && server.getParent() == publicServer) {
      // the management server: its own port and child context, not reachable from outside
      return chain.filter(exchange);
    }
    ServerHttpRequest request = exchange.getRequest();
    if (!METHODS.contains(request.getMethod())) {
      exchange.getResponse().getHeaders().setAllow(METHODS);
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.METHOD_NOT_ALLOWED,
          "method-not-allowed",
          "The method " + request.getMethod().name() + " is not supported");
    }
    RequestTarget target =
        RequestTarget.of(request.getURI().getRawPath(), request.getURI().getRawQuery());
    if (target instanceof RequestTarget.Rejected rejected) {
      return Problems.write(
          exchange.getResponse(), rejected.status(), rejected.slug(), rejected.detail());
    }
    RequestTarget.Canonical canonical = (RequestTarget.Canonical) target;
    Optional<PublicRoutes.Route> route = PublicRoutes.match(canonical);
    if (route.isEmpty()) {
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.NOT_FOUND,
          "not-found",
          "Not Found",
          "No public API at this path");
    }
    ServerWebExchange canonicalExchange =
        exchange.mutate().request(canonical(request, canonical)).build();
    CorsConfiguration corsConfiguration = cors.getCorsConfiguration(canonicalExchange);
    return corsConfiguration == null
        ? decide(canonicalExchange, chain, route.get())
        : withCors(canonicalExchange, chain, route.get(), corsConfiguration);
  }

  private Mono<Void> withCors(
      ServerWebExchange exchange,
      WebFilterChain chain,
      PublicRoutes.Route route,
      CorsConfiguration corsConfiguration) {
    if (!corsProcessor.process(corsConfiguration, exchange)) {
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.FORBIDDEN,
          "cors-rejected",
          "Cross-origin request refused",
          "This origin, method or header is not allowed to call the API");
    }
    if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
      return exchange.getResponse().setComplete();
    }
    return decide(exchange, chain, route);
  }

  private Mono<Void> decide(
      ServerWebExchange exchange, WebFilterChain chain, PublicRoutes.Route route) {
    if (route.access() == PublicRoutes.Access.OPEN) {
      return chain.filter(exchange);
    }
    Optional<String> presented = credentials(exchange.getRequest().getHeaders());
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
                    ? admit(exchange, chain, caller.get(), route)
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
      ServerWebExchange exchange, WebFilterChain chain, Caller caller, PublicRoutes.Route route) {
    ServerHttpRequest request = exchange.getRequest();
    String required = route.requiredScope(request.getMethod());
    if (!caller.scopes().contains(required) && !caller.scopes().contains("admin")) {
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.FORBIDDEN,
          "forbidden",
          "Missing scope",
          "These credentials lack the scope '" + required + "'");
    }
    SignedIdentity.Identity identity =
        new SignedIdentity.Identity(
            caller.tenant(), CallerNames.headerSafe(caller.name()), clientScopes(caller));
    long retryAfter = rateLimiter.acquire(identity.tenant(), identity.caller());
    if (retryAfter > 0) {
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.TOO_MANY_REQUESTS,
          "rate-limited",
          "Too many requests",
          "Rate limit of these credentials exceeded; retry after " + retryAfter + " s");
    }
    if (request.getHeaders().getContentLength() > maxRequestBytes) {
      return Problems.write(
          exchange.getResponse(),
          HttpStatus.CONTENT_TOO_LARGE,
          "payload-too-large",
          "Request body too large",
          "The request body is larger than " + maxRequestBytes + " bytes");
    }
    ServerHttpRequest signed =
        request
            .mutate()
            .headers(
                headers -> {
                  headers.remove(HttpHeaders.AUTHORIZATION);
                  headers.remove("X-API-Key");
                  signer.headers(identity, clock.instant()).forEach(headers::set);
                })
            .build();
    return chain.filter(
        exchange.mutate().request(new LimitedBody(signed, maxRequestBytes)).build());
  }

  private static Set<String> clientScopes(Caller caller) {
    return caller.scopes().stream()
        .filter(PublicRoutes.CLIENT_SCOPES::contains)
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * The request as it will be forwarded: the canonical path and the query as received, without any
   * header a client may not set.
   */
  private static ServerHttpRequest canonical(
      ServerHttpRequest request, RequestTarget.Canonical target) {
    URI uri = request.getURI();
    URI canonical =
        URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + target.pathAndQuery());
    return request
        .mutate()
        .uri(canonical)
        .headers(
            headers ->
                headers.headerNames().stream()
                    .filter(EdgeFilter::clientMayNotSet)
                    .toList()
                    .forEach(headers::remove))
        .build();
  }

  private static boolean clientMayNotSet(String header) {
    String name = header.toLowerCase(Locale.ROOT);
    return name.startsWith(SignedIdentity.TRUSTED_HEADER_PREFIX)
        || HOP_HEADERS.stream().anyMatch(name::startsWith);
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

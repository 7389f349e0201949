package io.tasklane.backend;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.SignedIdentity.Admission;
import io.tasklane.contracts.SignedIdentity.Identity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A backend trusts an identity only with a valid, fresh signature from inside the trust boundary
 * (the gateway or a runner): anything else is 401 whatever tenant header it carries, and the
 * internal API is open to the runner scope only. Only health, metrics and the API description are
 * served without one.
 */
@Configuration
public class SignedCallers {

  private static final List<String> OPEN_PATHS =
      List.of("/actuator/", "/v3/api-docs", "/swagger-ui", "/error");

  @Bean
  SignedIdentity signedIdentity(Environment environment) {
    return SignedIdentity.fromSettings(environment::getProperty);
  }

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> signedCallerFilter(
      SignedIdentity signing, JsonMapper json) {
    OncePerRequestFilter filter =
        new OncePerRequestFilter() {
          @Override
          protected boolean shouldNotFilter(HttpServletRequest request) {
            String path = routedPath(request);
            return OPEN_PATHS.stream().anyMatch(path::startsWith);
          }

          @Override
          protected void doFilterInternal(
              HttpServletRequest request, HttpServletResponse response, FilterChain chain)
              throws ServletException, IOException {
            switch (signing.admit(routedPath(request), request::getHeader, Instant.now())) {
              case Admission.Admitted admitted -> {
                chain.doFilter(new VerifiedRequest(request, admitted.identity()), response);
              }
              case Admission.Refused refused ->
                  Problems.write(
                      response,
                      json,
                      Problems.problem(
                          HttpStatus.valueOf(refused.status()),
                          refused.slug(),
                          refused.title(),
                          refused.detail()));
            }
          }
        };
    FilterRegistrationBean<OncePerRequestFilter> registration =
        new FilterRegistrationBean<>(filter);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  /** The path as the container routes it: decoded, normalised, without path parameters. */
  private static String routedPath(HttpServletRequest request) {
    String pathInfo = request.getPathInfo();
    return request.getServletPath() + (pathInfo == null ? "" : pathInfo);
  }

  /** Shows the identity headers exactly as verified, one value each. */
  private static final class VerifiedRequest extends HttpServletRequestWrapper {

    private final Map<String, String> identityHeaders;

    VerifiedRequest(HttpServletRequest request, Identity identity) {
      super(request);
      this.identityHeaders =
          Map.of(
              SignedIdentity.TENANT_HEADER.toLowerCase(Locale.ROOT), identity.tenant(),
              SignedIdentity.CALLER_HEADER.toLowerCase(Locale.ROOT), identity.caller());
    }

    @Override
    public String getHeader(String name) {
      String verified = identityHeaders.get(name.toLowerCase(Locale.ROOT));
      return verified != null ? verified : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      String verified = identityHeaders.get(name.toLowerCase(Locale.ROOT));
      return verified != null ? Collections.enumeration(List.of(verified)) : super.getHeaders(name);
    }
  }
}

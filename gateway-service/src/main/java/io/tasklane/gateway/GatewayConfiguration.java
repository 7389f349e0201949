package io.tasklane.gateway;

import io.tasklane.contracts.SignedIdentity;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

@Configuration
class GatewayConfiguration {

  /** Browsers at the configured origins may call the API; none by default. */
  @Bean
  CorsConfigurationSource corsConfiguration(GatewayProperties properties) {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(properties.cors().allowedOrigins());
    cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
    cors.setAllowedHeaders(
        List.of("Authorization", "X-API-Key", "Content-Type", "Idempotency-Key", "Last-Event-ID"));
    cors.setExposedHeaders(List.of("Location", "Retry-After"));
    cors.setMaxAge(3600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/api/**", cors);
    return source;
  }

  /** Signs the identity of every forwarded request; the gateway does not start without its key. */
  @Bean
  SignedIdentity signedIdentity(Environment environment) {
    return SignedIdentity.fromSettings(environment::getProperty);
  }
}

package io.tasklane.gateway.routes;

import io.tasklane.gateway.GatewayProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The public API and nothing else: sessions go to the notifier, everything else under {@code
 * /api/v1} to the ledger. Internal endpoints ({@code /internal/**}) have no route.
 */
@Configuration
class Routes {

  @Bean
  RouteLocator publicApi(RouteLocatorBuilder routes, GatewayProperties properties) {
    return routes
        .routes()
        .route("sessions", r -> r.path("/api/v1/sessions/**").uri(properties.notifierUrl()))
        .route(
            "ledger",
            r ->
                r.path(
                        "/api/v1/tasks",
                        "/api/v1/tasks/**",
                        "/api/v1/events",
                        "/api/v1/flows",
                        "/api/v1/flows/**",
                        "/api/v1/audit",
                        "/api/v1/maintenance",
                        "/api/v1/cron-jobs",
                        "/api/v1/cron-jobs/**")
                    .uri(properties.ledgerUrl()))
        .build();
  }
}

package io.tasklane.gateway.routes;

import io.tasklane.gateway.GatewayProperties;
import java.net.URI;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The backend routes of {@link PublicRoutes}, and nothing else: sessions go to the notifier, the
 * rest of the public API to the ledger.
 */
@Configuration
class Routes {

  @Bean
  RouteLocator publicApi(RouteLocatorBuilder builder, GatewayProperties properties) {
    RouteLocatorBuilder.Builder routes = builder.routes();
    for (PublicRoutes.Route route : PublicRoutes.all()) {
      URI backend =
          switch (route.target()) {
            case LEDGER -> properties.ledgerUrl();
            case NOTIFIER -> properties.notifierUrl();
            case GATEWAY -> null;
          };
      if (backend != null) {
        routes.route(
            route.id(), r -> r.path(route.patternStrings().toArray(String[]::new)).uri(backend));
      }
    }
    return routes.build();
  }
}

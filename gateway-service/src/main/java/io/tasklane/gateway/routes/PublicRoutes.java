package io.tasklane.gateway.routes;

import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Every path the outside world can reach, in one table: what the gateway routes to a backend is
 * exactly what it authenticates, and a path that is not here is a 404 from the gateway. Internal
 * endpoints ({@code /internal/**}) are not here.
 */
public final class PublicRoutes {

  /** Who answers a route. */
  public enum Target {
    LEDGER,
    NOTIFIER,
    /** The gateway itself: the board, the API documents, the Swagger UI and the health probes. */
    GATEWAY
  }

  /** What a caller needs for a route. */
  public enum Access {
    /** Nothing: only for what the gateway answers itself. */
    OPEN,
    /** {@code tasks:read} to read (GET, HEAD), {@code tasks:write} for anything else. */
    TASKS,
    /** {@code admin}. */
    ADMIN
  }

  public record Route(String id, Target target, Access access, List<PathPattern> patterns) {

    /** The scope a request with {@code method} needs here; null for open routes. */
    public String requiredScope(HttpMethod method) {
      return switch (access) {
        case OPEN -> null;
        case ADMIN -> "admin";
        case TASKS ->
            method == HttpMethod.GET || method == HttpMethod.HEAD ? "tasks:read" : "tasks:write";
      };
    }

    public List<String> patternStrings() {
      return patterns.stream().map(PathPattern::getPatternString).toList();
    }
  }

  /** The scopes a client's credentials can carry past the gateway; all others are dropped. */
  public static final List<String> CLIENT_SCOPES = List.of("tasks:read", "tasks:write", "admin");

  private static final List<Route> ROUTES =
      List.of(
          route("tasks", Target.LEDGER, Access.TASKS, "/api/v1/tasks", "/api/v1/tasks/**"),
          route("events", Target.LEDGER, Access.TASKS, "/api/v1/events"),
          route("flows", Target.LEDGER, Access.TASKS, "/api/v1/flows", "/api/v1/flows/**"),
          route(
              "cron-jobs",
              Target.LEDGER,
              Access.TASKS,
              "/api/v1/cron-jobs",
              "/api/v1/cron-jobs/**"),
          route("stats", Target.LEDGER, Access.TASKS, "/api/v1/stats"),
          route("approvals", Target.LEDGER, Access.TASKS, "/api/v1/approvals"),
          route("audit", Target.LEDGER, Access.ADMIN, "/api/v1/audit"),
          route("maintenance", Target.LEDGER, Access.ADMIN, "/api/v1/maintenance"),
          route("sessions", Target.NOTIFIER, Access.TASKS, "/api/v1/sessions/*/**"),
          route("board", Target.GATEWAY, Access.OPEN, "/", "/board/**"),
          route(
              "api-docs",
              Target.GATEWAY,
              Access.OPEN,
              "/v3/api-docs",
              "/v3/api-docs/gateway",
              "/v3/api-docs/swagger-config",
              "/swagger-ui.html",
              "/swagger-ui/**",
              "/webjars/swagger-ui/**"),
          route(
              "health",
              Target.GATEWAY,
              Access.OPEN,
              "/actuator/health",
              "/actuator/health/liveness",
              "/actuator/health/readiness"));

  private PublicRoutes() {}

  public static List<Route> all() {
    return ROUTES;
  }

  /** The route a canonical path belongs to, if any. */
  public static Optional<Route> match(RequestTarget.Canonical target) {
    PathContainer path = PathContainer.parsePath(target.path());
    return ROUTES.stream()
        .filter(route -> route.patterns().stream().anyMatch(p -> p.matches(path)))
        .findFirst();
  }

  private static Route route(String id, Target target, Access access, String... patterns) {
    List<PathPattern> parsed =
        List.of(patterns).stream().map(PathPatternParser.defaultInstance::parse).toList();
    return new Route(id, target, access, parsed);
  }
}

package io.tasklane.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The PromQL of the Grafana dashboards and of the alert rules in {@code ops/}. */
final class DashboardQueries {

  /**
   * Meters that exist only once something has gone wrong (or a channel the suite's tests do not use
   * has been busy): Micrometer registers a tagged counter at its first increment.
   */
  static final Set<String> ONLY_ON_INCIDENT =
      Set.of(
          "tasklane_reports_ignored_total",
          "tasklane_tasks_lost_total",
          "tasklane_recoveries_total",
          "tasklane_tasks_redispatched_total",
          "tasklane_cron_firings_total",
          "tasklane_maintenance_cleanup_stamped_total",
          "tasklane_maintenance_pruned_total",
          "tasklane_runner_loop_guard_hits_total",
          "tasklane_delivery_retries_total",
          "tasklane_telegram_rate_limited_total",
          "tasklane_tasks_unverified_success_refused_total",
          "tasklane_runner_model_malformed_rounds_total",
          "tasklane_runner_reports_send_failures_total",
          "tasklane_budgets_refusals_total",
          "tasklane_tenants_claims_held_total");

  private static final Pattern METRIC = Pattern.compile("\\btasklane_[a-z0-9_]+");

  private DashboardQueries() {}

  static List<String> of(Path ops) throws IOException {
    List<String> expressions = new ArrayList<>();
    try (var dashboards = Files.list(ops.resolve("grafana/dashboards"))) {
      for (Path dashboard : dashboards.filter(p -> p.toString().endsWith(".json")).toList()) {
        collect(JsonMapper.builder().build().readTree(dashboard.toFile()), expressions);
      }
    }
    return expressions;
  }

  @SuppressWarnings("unchecked")
  static List<String> alertExpressions(Path ops) throws IOException {
    Map<String, Object> rules =
        new Yaml().load(Files.readString(ops.resolve("prometheus/alerts.yml")));
    List<String> expressions = new ArrayList<>();
    for (var group : (List<Map<String, Object>>) rules.get("groups")) {
      for (var rule : (List<Map<String, Object>>) group.get("rules")) {
        expressions.add(rule.get("expr").toString().strip());
      }
    }
    return expressions;
  }

  /** Grafana's own variables, replaced the way a dashboard over the last hour would. */
  static String asInstantQuery(String expression) {
    return expression
        .replace("$__rate_interval", "1m")
        .replace("$__interval", "15s")
        .replace("$__range", "1h");
  }

  static Set<String> metricNames(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher metric = METRIC.matcher(expression);
      while (metric.find()) {
        names.add(metric.group());
      }
    }
    return names;
  }

  private static void collect(JsonNode node, List<String> expressions) {
    if (node.isObject()) {
      JsonNode expr = node.get("expr");
      if (expr != null && expr.isString()) {
        expressions.add(expr.asString());
      }
      node.values().forEach(child -> collect(child, expressions));
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, expressions));
    }
  }
}

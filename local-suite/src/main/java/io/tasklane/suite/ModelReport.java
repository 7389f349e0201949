package io.tasklane.suite;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the runner found at its model endpoints (its {@code model} health group), said the way a
 * newcomer can act on: the model is there, the model is not pulled, or nothing answers.
 */
record ModelReport(List<Role> roles, String unavailable) {

  record Role(
      String role, String provider, String url, String model, String state, String detail) {}

  static ModelReport of(int runnerPort) {
    URI group = URI.create("http://localhost:" + runnerPort + "/actuator/health/model");
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      String body =
          http.send(
                  HttpRequest.newBuilder(group).timeout(Duration.ofSeconds(30)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      JsonNode details =
          JsonMapper.builder()
              .build()
              .readTree(body)
              .path("components")
              .path("modelEndpoint")
              .path("details");
      List<Role> roles = new ArrayList<>();
      for (var entry : details.properties()) {
        JsonNode role = entry.getValue();
        roles.add(
            new Role(
                entry.getKey(),
                role.path("provider").asString(""),
                role.path("url").asString(""),
                role.path("model").asString(""),
                role.path("state").asString(""),
                role.path("detail").asString("")));
      }
      return new ModelReport(roles, roles.isEmpty() ? "the runner reported no endpoints" : null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ModelReport(List.of(), "interrupted");
    } catch (Exception e) {
      return new ModelReport(List.of(), e.toString());
    }
  }

  /** The lines the launcher prints: one per endpoint and model, with the fix when there is one. */
  String describe() {
    if (unavailable != null) {
      return "Model: the runner could not say whether its model is reachable ("
          + unavailable
          + ").";
    }
    Map<String, List<String>> rolesOf = new LinkedHashMap<>();
    Map<String, Role> first = new LinkedHashMap<>();
    for (Role role : roles) {
      String key = role.url() + " " + role.model();
      rolesOf.computeIfAbsent(key, k -> new ArrayList<>()).add(role.role());
      first.putIfAbsent(key, role);
    }
    StringBuilder text = new StringBuilder();
    for (var entry : first.entrySet()) {
      Role role = entry.getValue();
      String who = String.join(", ", rolesOf.get(entry.getKey()));
      String where = role.model() + " at " + role.url() + " (" + role.provider() + ")";
      switch (role.state()) {
        case "present" -> text.append("Model: ").append(where).append(" is ready for ").append(who);
        case "missing" -> {
          text.append("Model: ")
              .append(where)
              .append(" is MISSING; tasks (")
              .append(who)
              .append(") fail until it is there.");
          if (role.provider().equals("ollama")) {
            text.append("\n  Fix: ollama pull ").append(role.model());
          } else {
            text.append("\n  ").append(role.detail()).append("; pick one with --model NAME");
          }
        }
        case "unreachable" -> {
          text.append("Model: NOTHING ANSWERS at ")
              .append(role.url())
              .append(" (")
              .append(role.provider())
              .append("); every task fails with \"The model could not be reached.\" until it")
              .append(" does. Either:\n");
          if (role.provider().equals("ollama")) {
            text.append("  - start Ollama (ollama serve) and pull the model: ollama pull ")
                .append(role.model())
                .append(", or\n  - start the suite with --model-url pointing at an")
                .append(" OpenAI-compatible server, e.g. --model-url http://localhost:8000/v1")
                .append(" --model NAME");
          } else {
            text.append("  - start the server at ")
                .append(role.url())
                .append(", or\n  - leave out --model-url to use Ollama (ollama serve, then")
                .append(" ollama pull ")
                .append(role.model())
                .append(")");
          }
        }
        default ->
            text.append("Model: ")
                .append(where)
                .append(" did not answer as expected (")
                .append(role.detail())
                .append(")");
      }
      text.append('\n');
    }
    return text.toString().stripTrailing();
  }
}

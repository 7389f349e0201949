package io.tasklane.ledger.api;

import io.swagger.v3.oas.models.media.Schema;
import io.tasklane.contracts.PlanCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Documents a plan step's {@code check} in the OpenAPI document: the check types (from {@link
 * PlanCheck#TYPES}, so the document cannot drift from what is validated) and one example of each.
 */
@Component
class PlanCheckDocs implements OpenApiCustomizer {

  @Override
  public void customise(io.swagger.v3.oas.models.OpenAPI openApi) {
    if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
      return;
    }
    @SuppressWarnings("unchecked")
    Schema<Object> check = openApi.getComponents().getSchemas().get("PlanCheck");
    if (check == null) {
      return;
    }
    check.setDescription(
        "A done-when check the runner evaluates itself against the task's workspace and the tool"
            + " calls it recorded for the step; no model takes part. When a step has a check, the"
            + " check decides the step and a verifier model cannot pass it. Paths are relative to"
            + " the task workspace and may not leave it. A plan whose check has an unknown type, a"
            + " missing field or a path outside the workspace is refused with a 400 problem.");
    @SuppressWarnings("unchecked")
    Schema<Object> type = check.getProperties() == null ? null : check.getProperties().get("type");
    if (type != null) {
      type.setDescription("What the check tests");
      PlanCheck.TYPES.forEach(type::addEnumItemObject);
    }
    check.setExamples(new java.util.ArrayList<Object>(examples()));
    check.setExample(example(PlanCheck.fileContains("report.md", "Total:")));
  }

  private static List<Map<String, Object>> examples() {
    return List.of(
        example(PlanCheck.fileExists("out/summary.md")),
        example(PlanCheck.fileContains("report.md", "Total:")),
        example(PlanCheck.fileMatches("report.md", "Total: \\d+")),
        example(PlanCheck.fileChangedInStep("config.yml")),
        example(PlanCheck.fileUnchanged("README.md")),
        example(PlanCheck.jsonPathEquals("result.json", "$.items[0].status", "done")),
        example(PlanCheck.httpStatus("https://example.org/health", 200)),
        example(PlanCheck.bodyContains("https://example.org/health", "ok")),
        example(PlanCheck.commandExit("make", 0)),
        example(PlanCheck.childSucceeded()));
  }

  private static Map<String, Object> example(PlanCheck check) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("type", check.type());
    put(fields, "path", check.path());
    put(fields, "text", check.text());
    put(fields, "regex", check.regex());
    put(fields, "jsonPath", check.jsonPath());
    put(fields, "value", check.value());
    put(fields, "status", check.status());
    put(fields, "url", check.url());
    put(fields, "command", check.command());
    put(fields, "exitCode", check.exitCode());
    return fields;
  }

  private static void put(Map<String, Object> fields, String name, Object value) {
    if (value != null) {
      fields.put(name, value);
    }
  }
}

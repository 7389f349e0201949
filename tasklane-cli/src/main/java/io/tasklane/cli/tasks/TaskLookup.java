package io.tasklane.cli.tasks;

import io.tasklane.cli.Api;
import io.tasklane.cli.output.Json;
import tools.jackson.databind.JsonNode;

/** Resolves what an operator typed (task id, run id or session key) the way the API does. */
final class TaskLookup {

  private TaskLookup() {}

  static JsonNode resolve(Api api, String lookup) {
    return api.get("/api/v1/tasks" + Api.path(lookup));
  }

  static String taskPath(JsonNode task, String action) {
    return "/api/v1/tasks" + Api.path(Json.text(task, "taskId"), action);
  }
}

package io.tasklane.cli.cron;

import io.tasklane.cli.Api;
import io.tasklane.cli.CliFailure;
import io.tasklane.cli.ExitCodes;
import io.tasklane.cli.output.Json;
import io.tasklane.cli.output.Style;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** The cron-jobs API: jobs are named by id, or by their name, which is unique per tenant. */
final class CronJobs {

  static final String BASE = "/api/v1/cron-jobs";

  private CronJobs() {}

  static List<JsonNode> list(Api api) {
    List<JsonNode> jobs = new ArrayList<>();
    api.get(BASE).forEach(jobs::add);
    return jobs;
  }

  /** The job's id: {@code idOrName} itself when it is an id, else the id of the job so named. */
  static String idOf(Api api, String idOrName) {
    try {
      return UUID.fromString(idOrName).toString();
    } catch (IllegalArgumentException notAnId) {
      return list(api).stream()
          .filter(job -> idOrName.equals(Json.text(job, "name")))
          .map(job -> Json.text(job, "cronJobId"))
          .findFirst()
          .orElseThrow(
              () ->
                  new CliFailure(
                      "Cron job not found: no cron job is named '" + idOrName + "'",
                      ExitCodes.REQUEST_FAILED));
    }
  }

  static String path(String id, String... rest) {
    String[] segments = new String[rest.length + 1];
    segments[0] = id;
    System.arraycopy(rest, 0, segments, 1, rest.length);
    return BASE + Api.path(segments);
  }

  static String schedule(JsonNode job) {
    String zone = Json.text(job, "timeZone");
    return Json.text(job, "cronExpression") + (zone == null ? "" : " " + zone);
  }

  /** When the job fires next; a disabled job does not fire, whatever its last schedule said. */
  static Instant nextFiring(JsonNode job) {
    return job.path("enabled").asBoolean() ? Json.instant(job, "nextFireAt") : null;
  }

  static String enabled(JsonNode job, Style style) {
    return job.path("enabled").asBoolean() ? style.green("yes") : style.dim("no");
  }
}

package io.tasklane.ledger.stats;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tasklane.ledger.api.Tenants;
import java.time.Instant;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Tasks", description = "The ledger of detached runs")
class TaskStatsController {

  private final TaskStatsQuery query;

  TaskStatsController(TaskStatsQuery query) {
    this.query = query;
  }

  @GetMapping(path = "/api/v1/stats", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "taskStats",
      summary =
          "Tasks by status now, created and ended per five minutes over the last hour, and how"
              + " long the tasks that ended took")
  TaskStats stats(@RequestHeader(Tenants.HEADER) String tenant) {
    return query.stats(tenant, Instant.now());
  }
}

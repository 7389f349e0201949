package io.tasklane.ledger.runners;

import io.swagger.v3.oas.annotations.Hidden;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.ledger.tasks.RunnerSide;
import jakarta.validation.Valid;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The runners' internal API. The gateway does not route {@code /internal/**}. */
@Hidden
@RestController
class ClaimController {

  private final RunnerSide runnerSide;

  ClaimController(RunnerSide runnerSide) {
    this.runnerSide = runnerSide;
  }

  @PostMapping(
      path = "/internal/v1/tasks/{taskId}/claim",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  TaskClaim.Granted claim(@PathVariable UUID taskId, @Valid @RequestBody TaskClaim claim) {
    return runnerSide.claim(taskId, claim);
  }
}

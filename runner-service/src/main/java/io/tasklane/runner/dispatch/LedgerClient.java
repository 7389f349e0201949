package io.tasklane.runner.dispatch;

import io.tasklane.contracts.TaskClaim;
import io.tasklane.runner.RunnerProperties;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/** The ledger's internal API as the runner uses it. */
@Component
class LedgerClient {

  /** The claim's answer: the task to run, or why it is not ours. */
  sealed interface ClaimOutcome {
    record Granted(TaskClaim.Granted task) implements ClaimOutcome {}

    /** 409 (already claimed, cancelled, stale attempt) or 404 (unknown task). */
    record Refused(int status, String detail) implements ClaimOutcome {}
  }

  private final RestClient ledger;
  private final String runnerId;

  LedgerClient(RunnerProperties properties, RestClient ledger) {
    this.ledger = ledger;
    this.runnerId = properties.runnerId();
  }

  /**
   * Claims {@code attempt} of the task.
   *
   * @throws org.springframework.web.client.RestClientException when the ledger is unreachable or
   *     fails; the dispatch record is then not acknowledged
   */
  ClaimOutcome claim(UUID taskId, int attempt) {
    try {
      TaskClaim.Granted granted =
          ledger
              .post()
              .uri("/internal/v1/tasks/{taskId}/claim", taskId)
              .contentType(MediaType.APPLICATION_JSON)
              .body(new TaskClaim(runnerId, attempt))
              .retrieve()
              .body(TaskClaim.Granted.class);
      return new ClaimOutcome.Granted(granted);
    } catch (HttpClientErrorException e) {
      if (e.getStatusCode().isSameCodeAs(HttpStatus.CONFLICT)
          || e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
        return new ClaimOutcome.Refused(e.getStatusCode().value(), e.getResponseBodyAsString());
      }
      throw e;
    }
  }
}

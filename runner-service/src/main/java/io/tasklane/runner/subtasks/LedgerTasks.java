package io.tasklane.runner.subtasks;

import io.tasklane.contracts.SignedIdentity;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/** The ledger's public task API, as a parent task uses it for its children. */
@Component
class LedgerTasks {

  /** The tenant the runner acts for; the ledger connection signs it with the runner's identity. */
  static final String TENANT_HEADER = SignedIdentity.TENANT_HEADER;

  private final RestClient ledger;

  LedgerTasks(RestClient ledger) {
    this.ledger = ledger;
  }

  /**
   * Creates the child, or returns the one created earlier under the same key.
   *
   * @throws org.springframework.web.client.RestClientException when the ledger refuses, fails or
   *     cannot be reached
   */
  ChildTask create(String tenant, String idempotencyKey, ChildTaskRequest request) {
    return ledger
        .post()
        .uri("/api/v1/tasks")
        .header(TENANT_HEADER, tenant)
        .header("Idempotency-Key", idempotencyKey)
        .contentType(MediaType.APPLICATION_JSON)
        .body(request)
        .retrieve()
        .body(ChildTask.class);
  }

  ChildTask get(String tenant, UUID taskId) {
    return ledger
        .get()
        .uri("/api/v1/tasks/{taskId}", taskId)
        .header(TENANT_HEADER, tenant)
        .retrieve()
        .body(ChildTask.class);
  }
}

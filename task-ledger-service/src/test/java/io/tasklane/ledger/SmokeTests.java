package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmokeTests extends LedgerTest {

  @Test
  void aCreatedTaskCanBeShown() {
    var created =
        api.post(
            tenant, "/api/v1/tasks", "{\"goal\":\"Check the deploy\",\"label\":\"deploy-check\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("taskId").asString();
    assertThat(created.header("Location")).isEqualTo("/api/v1/tasks/" + id);

    var shown = api.get(tenant, "/api/v1/tasks/" + id);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.json().get("status").asString()).isEqualTo("queued");
    assertThat(shown.json().get("childSessionKey").asString()).isEqualTo("task_" + id);
  }
}

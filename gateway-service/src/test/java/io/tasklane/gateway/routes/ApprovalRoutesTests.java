package io.tasklane.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/** The approval endpoints in the public route table, with the scopes their siblings need. */
@Tag("fast")
class ApprovalRoutesTests {

  private static String scope(HttpMethod method, String path) {
    var target = (RequestTarget.Canonical) RequestTarget.of(path, null);
    return PublicRoutes.match(target).orElseThrow().requiredScope(method);
  }

  @Test
  void approveAndDenyNeedTheScopeCancelAndResumeNeed() {
    String task = "/api/v1/tasks/0b7d3c8e-8e0a-4a44-9f55-3a0f2d1c9e01/";
    String cancel = scope(HttpMethod.POST, task + "cancel");

    assertThat(scope(HttpMethod.POST, task + "approve")).isEqualTo(cancel).isEqualTo("tasks:write");
    assertThat(scope(HttpMethod.POST, task + "deny"))
        .isEqualTo(scope(HttpMethod.POST, task + "resume"));
  }

  @Test
  void thePendingApprovalsAreReadWithTheReadScope() {
    var target = (RequestTarget.Canonical) RequestTarget.of("/api/v1/approvals", null);

    assertThat(PublicRoutes.match(target))
        .get()
        .extracting(PublicRoutes.Route::target)
        .isEqualTo(PublicRoutes.Target.LEDGER);
    assertThat(scope(HttpMethod.GET, "/api/v1/approvals")).isEqualTo("tasks:read");
  }
}

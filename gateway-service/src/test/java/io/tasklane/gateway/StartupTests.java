package io.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Settings without which the gateway must not start, rather than start open. */
class StartupTests {

  @Test
  void theGatewayDoesNotStartWithoutTheIdentitySigningKey() {
    assertThatThrownBy(() -> start("--tasklane.identity.signing-key="))
        .hasStackTraceContaining("tasklane.identity.signing-key")
        .hasStackTraceContaining("TASKLANE_IDENTITY_SIGNINGKEY");
  }

  @Test
  void theGatewayDoesNotAcceptJwtsWithoutAnAudience() {
    assertThatThrownBy(() -> start("--tasklane.gateway.jwt.issuer-uri=https://issuer.example.test"))
        .hasStackTraceContaining("tasklane.gateway.jwt.audience");
  }

  private static void start(String setting) {
    new SpringApplicationBuilder(GatewayApplication.class)
        .run("--server.port=0", "--management.server.port=0", setting)
        .close();
  }
}

package io.tasklane.runner;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.SignedIdentity.Identity;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** The one HTTP client for the ledger, shared by claims and child tasks. */
@Configuration
class LedgerConnection {

  private static final Set<String> TASK_SCOPES = Set.of("tasks:read", "tasks:write");

  @Bean
  RestClient ledger(RunnerProperties properties, RestClient.Builder builder, Environment env) {
    // HTTP/1.1 outright: while an h2c upgrade is being tried, the JDK client holds back further
    // requests to the same host, which serialised the parallel claims of a poll
    JdkClientHttpRequestFactory requests =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build());
    requests.setReadTimeout(Duration.ofSeconds(30));
    return builder
        .clone()
        .baseUrl(properties.ledgerUrl().toString())
        .requestFactory(requests)
        .requestInterceptor(signed(SignedIdentity.fromSettings(env::getProperty), properties))
        .build();
  }

  /**
   * Signs every call as it is sent, so a retried call carries a fresh timestamp: a claim as the
   * runner itself, a child task's create or read as the runner acting for the task's tenant (named
   * by the caller in the tenant header).
   */
  private static ClientHttpRequestInterceptor signed(
      SignedIdentity signing, RunnerProperties properties) {
    String caller = "runner:" + properties.runnerId();
    return (request, body, execution) -> {
      HttpHeaders headers = request.getHeaders();
      String tenant = headers.getFirst(SignedIdentity.TENANT_HEADER);
      Identity identity =
          request.getURI().getPath().startsWith(SignedIdentity.INTERNAL_PATH) || tenant == null
              ? new Identity(SignedIdentity.NO_TENANT, caller, Set.of(SignedIdentity.RUNNER_SCOPE))
              : new Identity(tenant, caller, TASK_SCOPES);
      signing.headers(identity, Instant.now()).forEach(headers::set);
      return execution.execute(request, body);
    };
  }
}

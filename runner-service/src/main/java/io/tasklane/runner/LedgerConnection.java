package io.tasklane.runner;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** The one HTTP client for the ledger, shared by claims and child tasks. */
@Configuration
class LedgerConnection {

  @Bean
  RestClient ledger(RunnerProperties properties, RestClient.Builder builder) {
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
        .build();
  }
}

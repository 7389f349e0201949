package io.tasklane.notifier.answers;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.SignedIdentity.Identity;
import io.tasklane.notifier.NotifierProperties;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forwards an operator's action to the ledger's task API ({@code approve}, {@code deny}, {@code
 * resume}, {@code cancel}), signed as the session's tenant with the operator as the caller, like
 * any other client the gateway let in. The ledger decides; its problem detail comes back.
 */
@Component
public class LedgerActions {

  private static final Logger log = LoggerFactory.getLogger(LedgerActions.class);
  private static final Set<String> SCOPES = Set.of("tasks:read", "tasks:write");

  private final RestClient ledger;
  private final SignedIdentity signing;
  private final JsonMapper json;

  LedgerActions(
      NotifierProperties properties,
      SignedIdentity signing,
      JsonMapper json,
      RestClient.Builder builder) {
    var settings = properties.answers();
    var requests =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.ledgerTimeout())
                .build());
    requests.setReadTimeout(settings.ledgerTimeout());
    this.ledger =
        builder.clone().baseUrl(settings.ledgerUrl().toString()).requestFactory(requests).build();
    this.signing = signing;
    this.json = json;
  }

  public LedgerAnswer send(OperatorAction action) {
    Map<String, Object> body = new LinkedHashMap<>();
    switch (action.action()) {
      case APPROVE, DENY -> {
        body.put("approval", action.approval());
        putIfPresent(body, "comment", action.text());
      }
      case RESUME -> putIfPresent(body, "message", action.text());
      case CANCEL -> putIfPresent(body, "reason", action.text());
    }
    Identity identity = new Identity(action.tenant(), action.caller(), SCOPES);
    try {
      String answer =
          ledger
              .post()
              .uri("/api/v1/tasks/{taskId}/{action}", action.taskId(), action.action().wire())
              .headers(h -> signing.headers(identity, Instant.now()).forEach(h::set))
              .contentType(MediaType.APPLICATION_JSON)
              .body(json.writeValueAsString(body))
              .retrieve()
              .body(String.class);
      String status = read(answer).path("status").asString("");
      log.info(
          "Operator {} {} task {}: done ({})",
          action.caller(),
          action.action().wire(),
          action.taskId(),
          status);
      return new LedgerAnswer.Done(status);
    } catch (RestClientResponseException e) {
      String detail =
          read(e.getResponseBodyAsString()).path("detail").asString("HTTP " + e.getStatusCode());
      log.info(
          "Operator {} {} task {}: refused by the ledger ({} {})",
          action.caller(),
          action.action().wire(),
          action.taskId(),
          e.getStatusCode().value(),
          detail);
      return e.getStatusCode().is4xxClientError()
          ? new LedgerAnswer.Refused(e.getStatusCode().value(), detail)
          : new LedgerAnswer.Unavailable("the ledger answered HTTP " + e.getStatusCode().value());
    } catch (RestClientException e) {
      log.warn(
          "Operator {} {} task {}: the ledger could not be reached ({})",
          action.caller(),
          action.action().wire(),
          action.taskId(),
          e.getClass().getSimpleName());
      return new LedgerAnswer.Unavailable("the ledger could not be reached");
    }
  }

  private JsonNode read(String text) {
    try {
      return text == null || text.isBlank() ? json.createObjectNode() : json.readTree(text);
    } catch (JacksonException e) {
      return json.createObjectNode();
    }
  }

  private static void putIfPresent(Map<String, Object> body, String key, String value) {
    if (value != null && !value.isBlank()) {
      body.put(key, value);
    }
  }
}

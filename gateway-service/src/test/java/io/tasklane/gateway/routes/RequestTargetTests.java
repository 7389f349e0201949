package io.tasklane.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class RequestTargetTests {

  @ParameterizedTest(name = "{0} is read as {1}")
  @CsvSource({
    "/api/v1/tasks, /api/v1/tasks",
    "/%61pi/v1/tasks, /api/v1/tasks",
    "/%41PI/v1/tasks, /API/v1/tasks",
    "/api/v1/sessions/chat%20one/messages, /api/v1/sessions/chat%20one/messages",
    "/api/v1/sessions/chat%7eone, /api/v1/sessions/chat~one",
    "/api/v1/sessions/caf%c3%a9, /api/v1/sessions/caf%C3%A9",
    "/api/v1/flows/a+b, /api/v1/flows/a+b",
    "/, /",
  })
  void aTargetWithOneReadingIsWrittenCanonically(String raw, String canonical) {
    assertThat(RequestTarget.of(raw, null))
        .isInstanceOfSatisfying(
            RequestTarget.Canonical.class,
            target -> assertThat(target.path()).isEqualTo(canonical));
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource({
    "/api/v1/tasks%2f1, invalid-path",
    "/api/v1/tasks%2F1, invalid-path",
    "/api/v1/tasks%5c1, invalid-path",
    "/api/v1/tasks\\1, invalid-path",
    "/api/v1/tasks%00, invalid-path",
    "/api/v1/tasks%0d%0a, invalid-path",
    "/api/v1/tasks%c2%85, invalid-path",
    "/api/v1/tasks%252f, invalid-path",
    "/api/v1/tasks%, invalid-path",
    "/api/v1/tasks%4, invalid-path",
    "/api/v1/tasks%zz, invalid-path",
    "/api/v1/tasks%c0%af, invalid-path",
    "/api;x=1/v1/tasks, invalid-path",
    "/api/v1/tasks;, invalid-path",
    "/api/v1/tasks/..;/x, invalid-path",
    "/api/v1/tasks%3b, invalid-path",
    "/api//v1/tasks, invalid-path",
    "/api/v1/tasks/, invalid-path",
    "/api/./v1/tasks, invalid-path",
    "/api/%2e/v1/tasks, invalid-path",
    "/api/x/../v1/tasks, invalid-path",
    "/api/x/%2E%2e/v1/tasks, invalid-path",
    "/api/v1/tasks., invalid-path",
    "/api/v1/tasks%2e, invalid-path",
    "/api/v1/tasks/{id}, invalid-path",
    "api/v1/tasks, invalid-path",
  })
  void anAmbiguousTargetIsRefused(String raw, String slug) {
    assertThat(RequestTarget.of(raw, null))
        .isInstanceOfSatisfying(
            RequestTarget.Rejected.class,
            rejected -> {
              assertThat(rejected.slug()).isEqualTo(slug);
              assertThat(rejected.status().value()).isEqualTo(400);
            });
  }

  @ParameterizedTest(name = "query {0} is refused")
  @CsvSource({"cursor=%%%", "cursor=%zz", "cursor=%00", "q=a b", "q=<x>", "q=\"x\""})
  void aMalformedQueryIsRefused(String query) {
    assertThat(RequestTarget.of("/api/v1/tasks", query))
        .isInstanceOfSatisfying(
            RequestTarget.Rejected.class,
            rejected -> assertThat(rejected.slug()).isEqualTo("invalid-query"));
  }

  @ParameterizedTest(name = "query {0} is kept as it came")
  @CsvSource({"status=running&limit=10", "q=a%20b+c", "cursor=abc%3D%3D", "q=%25"})
  void aWellFormedQueryIsForwardedAsItCame(String query) {
    assertThat(RequestTarget.of("/api/v1/tasks", query))
        .isInstanceOfSatisfying(
            RequestTarget.Canonical.class,
            target -> assertThat(target.pathAndQuery()).isEqualTo("/api/v1/tasks?" + query));
  }

  @ParameterizedTest(name = "{0} characters")
  @CsvSource({"1100", "5000"})
  void anOverlongPathIsUriTooLong(int length) {
    assertThat(RequestTarget.of("/api/v1/tasks/" + "a".repeat(length), null))
        .isInstanceOfSatisfying(
            RequestTarget.Rejected.class,
            rejected -> assertThat(rejected.status().value()).isEqualTo(414));
  }

  @ParameterizedTest(name = "a segment of {0} characters")
  @CsvSource({"300"})
  void anOverlongSegmentIsUriTooLong(int length) {
    assertThat(RequestTarget.of("/api/v1/tasks/" + "a".repeat(length), null))
        .isInstanceOfSatisfying(
            RequestTarget.Rejected.class,
            rejected -> assertThat(rejected.status().value()).isEqualTo(414));
  }
}

package io.tasklane.gateway.board;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The board's page and assets come from the gateway itself without a key, with headers that keep
 * the page from running anything but its own scripts; the API it calls stays authenticated.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BoardAssetsTests {

  static final Path ASSETS = Path.of("src/main/resources/board");

  @LocalServerPort int port;
  final HttpClient http = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void backends(DynamicPropertyRegistry registry) {
    registry.add("tasklane.gateway.ledger-url", () -> "http://127.0.0.1:9");
    registry.add("tasklane.gateway.notifier-url", () -> "http://127.0.0.1:9");
  }

  @Test
  void thePageIsServedAtTheRootWithoutAKeyAndWithASecurityPolicy() throws Exception {
    var page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body()).contains("<script type=\"module\" src=\"/board/app.js\"></script>");
    assertSecurityHeaders(page);
    var head =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
  }

  @Test
  void scriptsAndStylesAreServedFromTheJarWithTheSameHeaders() throws Exception {
    for (String asset : List.of("/board/app.js", "/board/stream.js", "/board/board.css")) {
      var response = get(asset);

      assertThat(response.statusCode()).as(asset).isEqualTo(200);
      assertSecurityHeaders(response);
    }
    assertThat(get("/board/app.js").headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).contains("javascript"));
    assertThat(get("/board/board.css").headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/css"));
  }

  @Test
  void whatIsNotAnAssetIsANotFoundProblemAndTheApiStillNeedsAKey() throws Exception {
    var missing = get("/board/missing.js");
    var outside = get("/board/%2e%2e/application.yml");
    var api = get("/api/v1/tasks");
    var upper = get("/BOARD/app.js");

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(outside.statusCode()).isEqualTo(400);
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(upper.statusCode()).isEqualTo(404);
  }

  @Test
  void theMarkupCarriesNoInlineScriptStyleOrHandlerAndTheScriptsNeverParseHtml()
      throws IOException {
    String page = Files.readString(ASSETS.resolve("index.html"));
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(page).find()).isFalse();
    assertThat(page).doesNotContain("<style", " style=", "javascript:");
    assertThat(Pattern.compile("\\son[a-z]+=").matcher(page).find()).isFalse();
    try (Stream<Path> files = Files.list(ASSETS)) {
      for (Path script : files.filter(f -> f.toString().endsWith(".js")).toList()) {
        assertThat(Files.readString(script))
            .as(script.toString())
            .doesNotContain(
                "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
      }
    }
  }

  private static void assertSecurityHeaders(HttpResponse<String> response) {
    var headers = response.headers();
    assertThat(headers.firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval"));
    assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(headers.firstValue("Referrer-Policy")).hasValue("no-referrer");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

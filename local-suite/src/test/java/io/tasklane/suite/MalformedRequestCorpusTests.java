package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.SignedIdentity;
import io.tasklane.contracts.SignedIdentity.Identity;
import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Several hundred malformed requests (bodies, content types, encodings, paths, query strings,
 * headers, oversized and chunked bodies) against the whole suite: through the gateway as a client
 * sends them, and straight to the backends with a valid identity signature as the gateway forwards
 * them. Not one may answer 5xx, every 4xx is an RFC 9457 problem, not one creates anything, and the
 * suite is healthy afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MalformedRequestCorpusTests {

  static final String KEY = "tl_corpus_acme_writer";
  static final String TENANT = "acme";
  static final int LIMIT = 1_048_576;

  static ScriptedModelServer models;
  static LocalSuite suite;
  static TestPostgres.Database ledgerDb;
  static String flowId;
  static long[] before;

  /** One malformed request: where it goes and the bytes it is made of. */
  record Case(
      String name,
      String service,
      String method,
      String target,
      List<String> headers,
      byte[] body,
      Framing framing,
      boolean mustRefuse) {

    @Override
    public String toString() {
      return name + " [" + method + " " + abbreviate(target) + "]";
    }
  }

  enum Framing {
    LENGTH,
    CHUNKED,
    AS_GIVEN
  }

  @BeforeAll
  static void startTheSuite() throws Exception {
    models = ScriptedModelServer.start();
    var postgres = TestPostgres.get();
    ledgerDb = postgres.database("corpus_ledger");
    var notifierDb = postgres.database("corpus_notifier");
    suite =
        LocalSuite.fromArguments(
            SuiteArguments.allServices()
                .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
                .databases(ledgerDb.name(), notifierDb.name())
                .model(models.openAiBaseUrl(), "corpus-default")
                .home(Path.of(".."))
                .tenant(TENANT, KEY)
                .toArray());
    suite.start();
    var flow =
        directJson("POST", "ledger", "/api/v1/flows", "{\"goal\":\"a flow to patch badly\"}");
    assertThat(flow.statusCode()).as(flow.body()).isEqualTo(201);
    flowId = flow.body().replaceAll("(?s).*\"flowId\":\"([0-9a-f-]{36})\".*", "$1");
    before = counts();
  }

  @AfterAll
  static void stopTheSuite() {
    if (suite != null) {
      suite.stop();
    }
    models.close();
  }

  @Test
  @Order(1)
  void theCorpusHasSeveralHundredCases() {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(300);
  }

  @Test
  @Order(2)
  void theBackendsAnswerEveryMalformedRequestWithAProblemAndNever5xx() throws Exception {
    runCorpus(false);
  }

  @Test
  @Order(3)
  void theGatewayAnswersEveryMalformedRequestWithAProblemAndNever5xx() throws Exception {
    runCorpus(true);
  }

  @Test
  @Order(4)
  void nothingWasCreatedAndTheSuiteIsStillHealthy() throws Exception {
    assertThat(counts()).as("tasks, flows, cron jobs").containsExactly(before);
    HttpClient http = HttpClient.newHttpClient();
    for (String service : List.of("gateway", "ledger", "runner", "notifier")) {
      var health =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://localhost:" + suite.port(service) + "/actuator/health/readiness"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(service + ": " + health.body()).isEqualTo(200);
    }
    var created = directJson("POST", "ledger", "/api/v1/tasks", "{\"goal\":\"after the corpus\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    var listed =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + suite.port("gateway") + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    String createdId = created.body().replaceAll("(?s).*\"taskId\":\"([0-9a-f-]{36})\".*", "$1");
    assertThat(listed.body()).contains(createdId);
  }

  private void runCorpus(boolean throughGateway) throws Exception {
    SoftAssertions softly = new SoftAssertions();
    for (Case c : corpus()) {
      int port = suite.port(throughGateway ? "gateway" : c.service());
      RawHttp.Answer answer = RawHttp.send(port, bytes(c, throughGateway));
      String pass = throughGateway ? "gateway" : c.service();
      softly.assertThat(answer.status()).as("%s: %s -> %s", pass, c, answer).isBetween(200, 499);
      if (c.mustRefuse()) {
        softly.assertThat(answer.status()).as("%s: %s -> %s", pass, c, answer).isBetween(400, 499);
      }
      if (answer.status() >= 400) {
        softly
            .assertThat(answer.contentType())
            .as("%s: %s -> %s", pass, c, answer)
            .startsWith("application/problem+json");
        softly
            .assertThat(answer.body())
            .as("%s: %s -> %s", pass, c, answer)
            .contains("https://tasklane.io/problems/");
      }
    }
    softly.assertAll();
  }

  private static byte[] bytes(Case c, boolean throughGateway) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder();
    if (c.headers().contains("!raw-line")) {
      head.append(c.method()).append("\r\n");
    } else {
      head.append(c.method()).append(' ').append(c.target()).append(" HTTP/1.1\r\n");
    }
    boolean rawHead = c.headers().contains("!no-defaults");
    if (!rawHead) {
      head.append("Host: localhost\r\nConnection: close\r\n");
      if (!c.headers().contains("!anonymous")) {
        if (throughGateway) {
          head.append("Authorization: Bearer ").append(KEY).append("\r\n");
        } else {
          Identity identity =
              c.target().startsWith("/internal/")
                  ? new Identity(
                      SignedIdentity.NO_TENANT,
                      "runner:corpus",
                      Set.of(SignedIdentity.RUNNER_SCOPE))
                  : new Identity(TENANT, "corpus", Set.of("tasks:read", "tasks:write", "admin"));
          suite
              .identitySigning()
              .headers(identity, Instant.now())
              .forEach(
                  (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        }
      }
    }
    for (String header : c.headers()) {
      if (!header.startsWith("!")) {
        head.append(header).append("\r\n");
      }
    }
    byte[] body = c.body();
    if (body != null && c.framing() == Framing.LENGTH) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    } else if (body != null && c.framing() == Framing.CHUNKED) {
      head.append("Transfer-Encoding: chunked\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null && c.framing() == Framing.CHUNKED) {
      for (int i = 0; i < body.length; i += 8192) {
        int n = Math.min(8192, body.length - i);
        out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, i, n);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    } else if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  // The corpus

  static List<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    String someTask = UUID.randomUUID().toString();
    Map<String, String> writeEndpoints =
        Map.of(
            "POST /api/v1/tasks",
            "ledger",
            "POST /api/v1/flows",
            "ledger",
            "PATCH /api/v1/flows/" + flowId,
            "ledger",
            "POST /api/v1/cron-jobs",
            "ledger",
            "PUT /api/v1/tasks/" + someTask + "/notify-policy",
            "ledger",
            "POST /api/v1/tasks/" + someTask + "/reports",
            "ledger",
            "POST /api/v1/sessions/corpus/channels",
            "notifier");
    for (var endpoint : writeEndpoints.entrySet()) {
      String method = endpoint.getKey().substring(0, endpoint.getKey().indexOf(' '));
      String path = endpoint.getKey().substring(endpoint.getKey().indexOf(' ') + 1);
      for (String body : malformedJson()) {
        cases.add(
            json("malformed JSON " + abbreviate(body), endpoint.getValue(), method, path, body));
      }
      for (String contentType : unsupportedContentTypes()) {
        cases.add(
            new Case(
                "content type '" + contentType + "'",
                endpoint.getValue(),
                method,
                path,
                contentType.isEmpty() ? List.of() : List.of("Content-Type: " + contentType),
                "{\"goal\":\"refused for its content type\"}".getBytes(StandardCharsets.UTF_8),
                Framing.LENGTH,
                true));
      }
    }
    for (String body : invalidTaskBodies()) {
      cases.add(json("invalid task " + abbreviate(body), "ledger", "POST", "/api/v1/tasks", body));
      cases.add(
          chunked(
              "invalid task, chunked " + abbreviate(body),
              "/api/v1/tasks",
              body.getBytes(StandardCharsets.UTF_8)));
    }
    cases.addAll(encodings());
    cases.addAll(paths(someTask));
    cases.addAll(queries());
    cases.addAll(headers());
    cases.addAll(oversized());
    return cases;
  }

  static List<String> malformedJson() {
    return List.of(
        "",
        " ",
        "{",
        "}",
        "[",
        "[]",
        "[{\"goal\":\"in an array\"}]",
        "null",
        "true",
        "42",
        "\"just a string\"",
        "{goal:\"unquoted key\"}",
        "{'goal':'single quotes'}",
        "{\"goal\":\"trailing comma\",}",
        "{\"goal\":\"two objects\"}{\"goal\":\"x\"}",
        "{\"goal\":\"trailing garbage\"} xyz",
        "{\"goal\" \"no colon\"}",
        "{\"goal\":\"bad escape \\x41\"}",
        "{\"goal\":\"short escape \\u00\"}",
        "{\"goal\":\"unterminated",
        "{\"goal\":NaN}",
        "{\"goal\":Infinity}",
        "{/* comment */\"goal\":\"x\"}",
        "{\"goal\":\"duplicate\",\"goal\":\"keys\"}",
        "[".repeat(5000),
        "{\"a\":".repeat(2000) + "1" + "}".repeat(2000),
        "{\"goal\":" + "9".repeat(2000) + "}",
        "{\"goal\":\"control char \u0001 inside\"}",
        "\u0000",
        "<goal>xml</goal>",
        "goal=form+encoded");
  }

  static List<String> unsupportedContentTypes() {
    return List.of(
        "",
        "text/plain",
        "text/html",
        "application/xml",
        "text/xml",
        "application/octet-stream",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=corpus",
        "multipart/form-data",
        "application/jsonx",
        "garbage",
        "application/",
        "/json",
        "application/json; charset=no-such-charset",
        "application/json; charset=utf-16");
  }

  static List<String> invalidTaskBodies() {
    String unknownFlow = UUID.randomUUID().toString();
    return List.of(
        "{}",
        "{\"goal\":null}",
        "{\"goal\":\"\"}",
        "{\"goal\":\"   \"}",
        "{\"goal\":123}",
        "{\"goal\":1.5}",
        "{\"goal\":true}",
        "{\"goal\":[\"a\"]}",
        "{\"goal\":{\"text\":\"a\"}}",
        "{\"Goal\":\"wrong case\"}",
        "{\"goal\":\"g\",\"golas\":\"typo\"}",
        "{\"goal\":\"g\",\"label\":5}",
        "{\"goal\":\"g\",\"label\":\"" + "l".repeat(201) + "\"}",
        "{\"goal\":\"" + "g".repeat(20_001) + "\"}",
        "{\"goal\":\"nul \\u0000 inside\"}",
        "{\"goal\":\"g\",\"runTimeoutSeconds\":1.5}",
        "{\"goal\":\"g\",\"runTimeoutSeconds\":1e2}",
        "{\"goal\":\"g\",\"runTimeoutSeconds\":\"60\"}",
        "{\"goal\":\"g\",\"runTimeoutSeconds\":0}",
        "{\"goal\":\"g\",\"runTimeoutSeconds\":-5}",
        "{\"goal\":\"g\",\"runTimeoutSeconds\":99999999999999999999}",
        "{\"goal\":\"g\",\"runTimeoutSeconds\":true}",
        "{\"goal\":\"g\",\"runtime\":\"robot\"}",
        "{\"goal\":\"g\",\"runtime\":1}",
        "{\"goal\":\"g\",\"executor\":\"nobody\"}",
        "{\"goal\":\"g\",\"notifyPolicy\":\"loud\"}",
        "{\"goal\":\"g\",\"parentTaskId\":\"not-a-uuid\"}",
        "{\"goal\":\"g\",\"parentFlowId\":\"" + unknownFlow + "\"}",
        "{\"goal\":\"g\",\"parentFlowId\":42}",
        "{\"goal\":\"g\",\"requesterSessionKey\":\"" + "s".repeat(201) + "\"}",
        "{\"goal\":\"g\",\"requesterSessionKey\":7}",
        "{\"goal\":\"g\",\"plan\":\"do it\"}",
        "{\"goal\":\"g\",\"plan\":{}}",
        "{\"goal\":\"g\",\"plan\":[1]}",
        "{\"goal\":\"g\",\"plan\":[null]}",
        "{\"goal\":\"g\",\"plan\":[{}]}",
        "{\"goal\":\"g\",\"plan\":[{\"description\":1,\"doneWhen\":\"w\"}]}",
        "{\"goal\":\"g\",\"plan\":[{\"description\":\"d\",\"doneWhen\":\"w\",\"x\":1}]}",
        "{\"goal\":\"g\",\"plan\":["
            + "{\"description\":\"d\",\"doneWhen\":\"w\"},".repeat(50)
            + "{\"description\":\"d\",\"doneWhen\":\"w\"}]}",
        "{\"goal\":\"g\",\"modelOptions\":\"fast\"}",
        "{\"goal\":\"g\",\"modelOptions\":[]}",
        "{\"goal\":\"g\",\"modelOptions\":{\"tools\":[\"read_file\"]}}",
        "{\"goal\":\"g\",\"modelOptions\":{\"toolsAllowed\":\"read_file\"}}",
        "{\"goal\":\"g\",\"modelOptions\":{\"toolsAllowed\":[\"rm_rf\"]}}",
        "{\"goal\":\"g\",\"modelOptions\":{\"toolsAllowed\":[1]}}",
        "{\"goal\":\"g\",\"modelOptions\":{\"toolsAllowed\":[null]}}",
        "{\"goal\":\"g\",\"modelOptions\":{\"model\":7}}",
        "{\"goal\":\"g\",\"modelOptions\":{\"roundTimeoutSeconds\":2.5}}",
        "{\"goal\":\"g\",\"metadata\":[]}",
        "{\"goal\":\"g\",\"metadata\":{\"k\":1}}",
        "{\"goal\":\"g\",\"metadata\":{\"k\":null}}",
        "{\"goal\":\"g\",\"metadata\":{\"k\":{}}}",
        "{\"goal\":\"g\",\"metadata\":{\"k\":\"" + "v".repeat(2001) + "\"}}");
  }

  static List<Case> encodings() {
    List<Case> cases = new ArrayList<>();
    byte[][] bodies = {
      {'{', '"', 'g', 'o', 'a', 'l', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
      {'{', '"', 'g', 'o', 'a', 'l', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'},
      {
        '{', '"', 'g', 'o', 'a', 'l', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'
      },
      {'{', '"', 'g', 'o', 'a', 'l', '"', ':', '"', (byte) 0xe2, (byte) 0x82, '"', '}'},
      {(byte) 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0},
    };
    for (int i = 0; i < bodies.length; i++) {
      for (String path : List.of("/api/v1/tasks", "/api/v1/flows")) {
        cases.add(
            new Case(
                "undecodable UTF-8 #" + i,
                "ledger",
                "POST",
                path,
                List.of("Content-Type: application/json"),
                bodies[i],
                Framing.LENGTH,
                true));
      }
      cases.add(
          new Case(
              "undecodable UTF-8 #" + i,
              "notifier",
              "POST",
              "/api/v1/sessions/corpus/channels",
              List.of("Content-Type: application/json"),
              bodies[i],
              Framing.LENGTH,
              true));
    }
    return cases;
  }

  static List<Case> paths(String someTask) {
    List<Case> cases = new ArrayList<>();
    List<String> refused =
        List.of(
            "/api/v1/tasks/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/api/v1/tasks/%2e%2e/%2e%2e/actuator/env",
            "/api/v1/tasks/a%00b",
            "/api/v1/tasks/%00",
            "/api/v1/tasks/%",
            "/api/v1/tasks/%zz",
            "/api/v1/tasks/%c0%af",
            "/api/v1/tasks/%ff",
            "/api/v1/tasks/..%2f..%2f",
            "/api/v1/tasks/%5c..%5c..%5c",
            "/api/v1/tasks/a%2fb",
            "/api/v1/tasks/..;/..;/actuator",
            "/api/v1/tasks/" + "x".repeat(5_000),
            "/api/v1/" + "y".repeat(20_000),
            "/api/v1/tasks/%F0%9F%98%80",
            "/api/v1/tasks/not-a-uuid/journal",
            "/api/v1/flows/not-a-uuid",
            "/api/v1/cron-jobs/not-a-uuid",
            "/API/v1/tasks",
            "/api/v2/tasks",
            "/api/v1/nothing-here",
            "/api/v1/tasks/" + someTask + "/journal/extra",
            "/api/v1/tasks/" + someTask,
            "/api/v1/tasks/\u00e9t\u00e9",
            "/api/v1/sessions/%00/channels",
            "/api/v1/sessions/%2e%2e%2f%2e%2e/channels",
            "/api/v1/sessions/s/channels/%ff",
            "/api/v1/sessions/" + "s".repeat(9_000) + "/channels",
            "/internal/v1/tasks/" + someTask + "/claim",
            "/.%2e/.%2e/etc/passwd",
            "/%2e%2e%2f%2e%2e%2f",
            "/api/v1/tasks/%252e%252e%252f");
    for (String target : refused) {
      String service = target.startsWith("/api/v1/sessions") ? "notifier" : "ledger";
      cases.add(new Case("path", service, "GET", target, List.of(), null, Framing.LENGTH, true));
    }
    for (String target :
        List.of(
            "/api;x=1/v1/tasks",
            "/api/v1;x=1/tasks",
            "//api/v1/tasks",
            "/api//v1/tasks",
            "/api/./v1/tasks",
            "/api/v1/tasks/../tasks",
            "/%61pi/v1/tasks",
            "/api/v1/tasks/",
            "/api/v1/tasks?",
            "http://evil.example/api/v1/tasks")) {
      cases.add(
          new Case(
              "path variant", "ledger", "GET", target, List.of(), null, Framing.LENGTH, false));
    }
    for (String method : List.of("PUT", "DELETE", "PATCH", "TRACE", "FOO", "CONNECT")) {
      cases.add(
          new Case(
              "method " + method,
              "ledger",
              method,
              "/api/v1/tasks",
              List.of("Content-Type: application/json"),
              "{\"goal\":1}".getBytes(StandardCharsets.UTF_8),
              Framing.LENGTH,
              true));
    }
    cases.add(
        new Case(
            "POST to a read-only resource",
            "ledger",
            "POST",
            "/api/v1/tasks/" + someTask + "/journal",
            List.of("Content-Type: application/json"),
            "{}".getBytes(StandardCharsets.UTF_8),
            Framing.LENGTH,
            true));
    cases.add(
        new Case(
            "cancel of a malformed id",
            "ledger",
            "POST",
            "/api/v1/tasks/not-a-uuid/cancel",
            List.of(),
            null,
            Framing.LENGTH,
            true));
    cases.add(
        new Case(
            "method PATCH on channels",
            "notifier",
            "PATCH",
            "/api/v1/sessions/corpus/channels",
            List.of("Content-Type: application/json"),
            "{}".getBytes(StandardCharsets.UTF_8),
            Framing.LENGTH,
            true));
    return cases;
  }

  static List<Case> queries() {
    List<Case> cases = new ArrayList<>();
    List<String> refused =
        List.of(
            "cursor=%%%",
            "cursor=%zz",
            "cursor=%",
            "cursor=not-a-cursor",
            "cursor=%00",
            "limit=abc",
            "limit=1.5",
            "limit=99999999999",
            "limit=%ff",
            "status=robot",
            "status=%ff%fe",
            "runtime=robot",
            "a=|{}",
            "a=<script>",
            "%=%",
            "x=" + "q".repeat(10_000));
    for (String query : refused) {
      cases.add(
          new Case(
              "query " + abbreviate(query),
              "ledger",
              "GET",
              "/api/v1/tasks?" + query,
              List.of(),
              null,
              Framing.LENGTH,
              true));
    }
    for (String query : List.of("after=abc", "after=%%%", "limit=1.5", "after=1e9")) {
      cases.add(
          new Case(
              "inbox query " + query,
              "notifier",
              "GET",
              "/api/v1/sessions/corpus/messages?" + query,
              List.of(),
              null,
              Framing.LENGTH,
              true));
    }
    for (String query : List.of("limit=abc", "limit=1.5")) {
      cases.add(
          new Case(
              "audit query " + query,
              "ledger",
              "GET",
              "/api/v1/audit?" + query,
              List.of(),
              null,
              Framing.LENGTH,
              true));
    }
    for (String query :
        List.of(
            "&&&",
            "=",
            "label=" + "%E2%9C%93",
            "session=" + "s".repeat(3000),
            "limit=-1",
            "limit=1&limit=2",
            "executor=nobody")) {
      cases.add(
          new Case(
              "odd query " + abbreviate(query),
              "ledger",
              "GET",
              "/api/v1/tasks?" + query,
              List.of(),
              null,
              Framing.LENGTH,
              false));
    }
    return cases;
  }

  static List<Case> headers() {
    List<Case> cases = new ArrayList<>();
    byte[] invalid = "{\"goal\":1}".getBytes(StandardCharsets.UTF_8);
    String json = "Content-Type: application/json";
    List<List<String>> refusedWithBody =
        List.of(
            List.of(json, "Accept: application/xml"),
            List.of(json, "Accept: text/html"),
            List.of(json, "Accept: garbage///"),
            List.of(json, "Idempotency-Key: " + "k".repeat(10_000)),
            List.of(json, "Idempotency-Key: "),
            List.of(json, "Expect: 100-continue"),
            List.of(json, "X-Tasklane-Tenant: someone-else"),
            List.of(json, "X-Tasklane-Scopes: admin runner"),
            List.of(json, "Content-Encoding: gzip"),
            List.of(json, "Content-Encoding: br"),
            List.of(json, "Bad Header: space in the name"),
            List.of(json, "X-Big: " + "y".repeat(20_000)),
            List.of(json, "X-Nul: a\u0000b"));
    for (List<String> headers : refusedWithBody) {
      cases.add(
          new Case(
              "header " + abbreviate(String.join(" | ", headers)),
              "ledger",
              "POST",
              "/api/v1/tasks",
              headers,
              invalid,
              Framing.LENGTH,
              true));
    }
    List<String> many = new ArrayList<>(List.of(json));
    for (int i = 0; i < 150; i++) {
      many.add("X-Many-" + i + ": " + i);
    }
    cases.add(
        new Case(
            "150 headers", "ledger", "POST", "/api/v1/tasks", many, invalid, Framing.LENGTH, true));
    List<List<String>> framing =
        List.of(
            List.of(json, "Content-Length: abc"),
            List.of(json, "Content-Length: -1"),
            List.of(json, "Content-Length: 10", "Content-Length: 11"),
            List.of(json, "Content-Length: 10", "Transfer-Encoding: chunked"),
            List.of(json, "Transfer-Encoding: gzip"),
            List.of(json, "Transfer-Encoding: chunked, identity"),
            List.of(json, "Content-Length: 3"));
    for (List<String> headers : framing) {
      cases.add(
          new Case(
              "framing " + String.join(" | ", headers.subList(1, headers.size())),
              "ledger",
              "POST",
              "/api/v1/tasks",
              headers,
              invalid,
              Framing.AS_GIVEN,
              true));
    }
    for (String chunks :
        List.of(
            "zz\r\n{\"goal\":1}\r\n0\r\n\r\n",
            "a\r\n{\"goal\":1}\r\n",
            "5;ext=\"unterminated\r\n{\"goa\r\n0\r\n\r\n",
            "-5\r\nabcde\r\n0\r\n\r\n",
            "ffffffffffffffff\r\nabc\r\n0\r\n\r\n")) {
      cases.add(
          new Case(
              "bad chunking " + abbreviate(chunks),
              "ledger",
              "POST",
              "/api/v1/tasks",
              List.of(json, "Transfer-Encoding: chunked"),
              chunks.getBytes(StandardCharsets.ISO_8859_1),
              Framing.AS_GIVEN,
              true));
    }
    cases.add(
        new Case(
            "no Host header",
            "ledger",
            "GET",
            "/api/v1/tasks",
            List.of("!no-defaults", "Connection: close"),
            null,
            Framing.LENGTH,
            true));
    cases.add(
        new Case(
            "two Host headers",
            "ledger",
            "GET",
            "/api/v1/tasks",
            List.of("Host: other"),
            null,
            Framing.LENGTH,
            true));
    for (String broken :
        List.of(
            "GET /api/v1/tasks HTTP/1.1 extra",
            "BR<>KEN /api/v1/tasks",
            "GET  /api/v1/tasks  HTTP/1.1",
            "GET /api/v1/tasks HTTP/9.9",
            "GET /api/v1/tasks\u0000 HTTP/1.1",
            "\u0016\u0003\u0001\u0002\u0000\u0001")) {
      cases.add(
          new Case(
              "request line " + abbreviate(broken),
              "ledger",
              broken,
              "",
              List.of("!raw-line", "!no-defaults", "Host: localhost", "Connection: close"),
              null,
              Framing.LENGTH,
              true));
    }
    for (String anonymous : List.of("", "X-Tasklane-Tenant: " + TENANT)) {
      for (String path : List.of("/api/v1/tasks", "/api/v1/sessions/corpus/channels")) {
        cases.add(
            new Case(
                "no credentials " + anonymous,
                path.contains("sessions") ? "notifier" : "ledger",
                "GET",
                path,
                anonymous.isEmpty() ? List.of("!anonymous") : List.of("!anonymous", anonymous),
                null,
                Framing.LENGTH,
                true));
      }
    }
    return cases;
  }

  static List<Case> oversized() {
    List<Case> cases = new ArrayList<>();
    byte[] big = ("{\"goal\":\"" + "g".repeat(LIMIT + 10) + "\"}").getBytes(StandardCharsets.UTF_8);
    byte[] bigInvalid = ("[" + "1,".repeat(LIMIT) + "1]").getBytes(StandardCharsets.UTF_8);
    for (String path : List.of("/api/v1/tasks", "/api/v1/flows", "/api/v1/cron-jobs")) {
      cases.add(
          new Case(
              "oversized body",
              "ledger",
              "POST",
              path,
              List.of("Content-Type: application/json"),
              big,
              Framing.LENGTH,
              true));
      cases.add(chunked("oversized chunked body", path, big));
      cases.add(chunked("oversized chunked array", path, bigInvalid));
    }
    cases.add(
        new Case(
            "oversized body",
            "notifier",
            "POST",
            "/api/v1/sessions/corpus/channels",
            List.of("Content-Type: application/json"),
            big,
            Framing.LENGTH,
            true));
    return cases;
  }

  private static Case json(String name, String service, String method, String path, String body) {
    return new Case(
        name,
        service,
        method,
        path,
        List.of("Content-Type: application/json"),
        body.getBytes(StandardCharsets.UTF_8),
        Framing.LENGTH,
        true);
  }

  private static Case chunked(String name, String path, byte[] body) {
    return new Case(
        name,
        "ledger",
        "POST",
        path,
        List.of("Content-Type: application/json"),
        body,
        Framing.CHUNKED,
        true);
  }

  // Helpers

  private static long[] counts() throws Exception {
    try (var db =
        DriverManager.getConnection(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())) {
      long[] counts = new long[3];
      String[] tables = {"tasks", "flows", "cron_jobs"};
      for (int i = 0; i < tables.length; i++) {
        var rows = db.createStatement().executeQuery("select count(*) from " + tables[i]);
        rows.next();
        counts[i] = rows.getLong(1);
      }
      return counts;
    }
  }

  private static HttpResponse<String> directJson(
      String method, String service, String path, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + suite.port(service) + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    suite
        .identitySigning()
        .headers(
            new Identity(TENANT, "corpus", Set.of("tasks:read", "tasks:write", "admin")),
            Instant.now())
        .forEach(request::header);
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("[\\r\\n\\x00-\\x1f]", "\u00b7");
    return oneLine.length() > 60 ? oneLine.substring(0, 60) + "\u2026" : oneLine;
  }
}

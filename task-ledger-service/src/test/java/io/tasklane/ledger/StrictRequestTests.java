package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Requests are taken as sent or refused with a problem naming what is wrong: no coercion of JSON
 * types, no unknown fields, no unknown tools, and the servlet container's own rejections are
 * problems too.
 */
class StrictRequestTests extends LedgerTest {

  @Test
  void aNumberWhereTextIsExpectedNamesTheField() {
    JsonNode problem = refused(post("{\"goal\":123}"), 400);
    assertThat(problem.get("field").asString()).isEqualTo("goal");
    assertThat(problem.get("detail").asString()).contains("goal").contains("text");
    refused(post("{\"goal\":\"g\",\"label\":true}"), 400);
    refused(post("{\"goal\":\"g\",\"modelOptions\":{\"model\":7}}"), 400);
  }

  @Test
  void aFractionWhereAWholeNumberIsExpectedNamesTheField() {
    JsonNode problem = refused(post("{\"goal\":\"g\",\"runTimeoutSeconds\":1.5}"), 400);
    assertThat(problem.get("field").asString()).isEqualTo("runTimeoutSeconds");
    assertThat(problem.get("detail").asString()).contains("whole number");
    refused(post("{\"goal\":\"g\",\"runTimeoutSeconds\":\"60\"}"), 400);
    refused(post("{\"goal\":\"g\",\"modelOptions\":{\"roundTimeoutSeconds\":2.5}}"), 400);
  }

  @Test
  void anUnknownFieldIsRefusedByItsPath() {
    JsonNode problem =
        refused(post("{\"goal\":\"g\",\"modelOptions\":{\"tools\":[\"read_file\"]}}"), 400);
    assertThat(problem.get("type").asString())
        .isEqualTo("https://tasklane.io/problems/unknown-field");
    assertThat(problem.get("detail").asString()).isEqualTo("unknown field 'modelOptions.tools'");
    assertThat(problem.get("field").asString()).isEqualTo("modelOptions.tools");
    assertThat(problem.get("allowedValues").toString()).contains("toolsAllowed");
    assertThat(refused(post("{\"goal\":\"g\",\"golas\":\"x\"}"), 400).get("field").asString())
        .isEqualTo("golas");
    assertThat(
            refused(
                    post(
                        "{\"goal\":\"g\",\"plan\":[{\"description\":\"d\",\"doneWhen\":\"w\","
                            + "\"extra\":1}]}"),
                    400)
                .get("field")
                .asString())
        .isEqualTo("plan[0].extra");
    var flow = api.post(tenant, "/api/v1/flows", "{\"goal\":\"g\",\"curentStep\":1}");
    assertThat(flow.status()).as(flow.body()).isEqualTo(400);
    assertThat(flow.json().get("field").asString()).isEqualTo("curentStep");
  }

  @Test
  void anUnknownToolIsRefusedListingTheTools() {
    JsonNode problem =
        refused(
            post("{\"goal\":\"g\",\"modelOptions\":{\"toolsAllowed\":[\"read_file\",\"rm_rf\"]}}"),
            400);
    assertThat(problem.get("type").asString())
        .isEqualTo("https://tasklane.io/problems/unknown-tool");
    assertThat(problem.get("field").asString()).isEqualTo("modelOptions.toolsAllowed[1]");
    assertThat(problem.get("detail").asString()).contains("rm_rf").contains("write_file");
    assertThat(problem.get("allowedValues").toString()).contains("http_fetch", "spawn_subtask");

    var cron =
        api.post(
            tenant,
            "/api/v1/cron-jobs",
            """
            {"name":"nightly","cronExpression":"0 0 3 * * *",
             "task":{"goal":"g","modelOptions":{"toolsAllowed":["rm_rf"]}}}
            """);
    assertThat(cron.status()).as(cron.body()).isEqualTo(400);
    assertThat(cron.json().get("field").asString()).isEqualTo("task.modelOptions.toolsAllowed[0]");
    assertThat(createTask("{\"goal\":\"g\",\"modelOptions\":{\"toolsAllowed\":[\"shell\"]}}"))
        .isNotNull();
  }

  @Test
  void aCancelledFlowRefusesChanges() {
    var flow = api.post(tenant, "/api/v1/flows", "{\"goal\":\"g\"}");
    assertThat(flow.status()).as(flow.body()).isEqualTo(201);
    String flowId = flow.json().get("flowId").asString();
    assertThat(api.post(tenant, "/api/v1/flows/" + flowId + "/cancel", null).status())
        .isEqualTo(200);
    long revision = api.get(tenant, "/api/v1/flows/" + flowId).json().get("revision").asLong();

    var patched =
        api.send(
            api.request(tenant, "/api/v1/flows/" + flowId)
                .header("Content-Type", "application/json")
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString(
                        "{\"expectedRevision\":" + revision + ",\"currentStep\":2}")));

    assertThat(patched.status()).as(patched.body()).isEqualTo(409);
    assertThat(patched.json().get("type").asString())
        .isEqualTo("https://tasklane.io/problems/flow-cancelled");
  }

  @Test
  void aMultipartBodyIsAnUnsupportedMediaType() {
    var answer =
        api.send(
            api.request(tenant, "/api/v1/tasks")
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "--xyz\r\nContent-Disposition: form-data; name=\"goal\"\r\n\r\ng\r\n"
                            + "--xyz--\r\n")));
    assertThat(refused(answer, 415).get("type").asString())
        .isEqualTo("https://tasklane.io/problems/unsupported-media-type");
  }

  @Test
  void anUndecodableQueryParameterIsABadRequest() throws IOException {
    for (String query : new String[] {"cursor=%%%", "cursor=%zz", "status=%ff%fe", "limit=%00"}) {
      RawAnswer answer =
          raw(
              "GET /api/v1/tasks?"
                  + query
                  + " HTTP/1.1\r\nHost: localhost\r\n"
                  + signed()
                  + "\r\n");
      assertThat(answer.status()).as(query + ": " + answer).isEqualTo(400);
      assertThat(answer.contentType()).as(query).startsWith("application/problem+json");
    }
    refused(api.get(tenant, "/api/v1/tasks?limit=abc"), 400);
    refused(api.get(tenant, "/api/v1/tasks?limit=1.5"), 400);
  }

  @Test
  void theContainersOwnRejectionsAreProblems() throws IOException {
    String signed = signed();
    for (String target :
        new String[] {
          "/api/v1/tasks/%2e%2e%2f%2e%2e%2fetc",
          "/api/v1/tasks/a%00b",
          "/api/v1/tasks/%",
          "/api/v1/tasks/%zz",
          "/api/v1/" + "x".repeat(20_000),
          "/api/v1/tasks/../../../etc/passwd",
          "/api/v1/tasks?x=%ff%fe",
        }) {
      RawAnswer answer =
          raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + signed + "\r\n");
      assertThat(answer.status()).as(target + ": " + answer).isBetween(400, 499);
      assertThat(answer.contentType())
          .as(target + ": " + answer)
          .startsWith("application/problem+json");
      assertThat(answer.body()).as(target).contains("https://tasklane.io/problems/");
    }
    for (String request :
        new String[] {
          "GET /api/v1/tasks HTTP/1.1 extra\r\nHost: localhost\r\n\r\n",
          "BR<>KEN /api/v1/tasks HTTP/1.1\r\nHost: localhost\r\n\r\n",
          "GET /api/v1/tasks?a=|{} HTTP/1.1\r\nHost: localhost\r\n\r\n",
          "GET /api/v1/tasks HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n",
          "GET /api/v1/tasks HTTP/1.1\r\nHost: localhost\r\nX-Big: "
              + "y".repeat(20_000)
              + "\r\n\r\n",
        }) {
      RawAnswer answer = raw(request);
      assertThat(answer.status()).as(request + ": " + answer).isBetween(400, 499);
      assertThat(answer.contentType())
          .as(request + ": " + answer)
          .startsWith("application/problem+json");
    }
  }

  private String signed() {
    return io.tasklane.testsupport.TestIdentity.tenant(tenant).entrySet().stream()
        .map(e -> e.getKey() + ": " + e.getValue() + "\r\n")
        .collect(Collectors.joining());
  }

  private LedgerApi.Response post(String body) {
    return api.post(tenant, "/api/v1/tasks", body);
  }

  private JsonNode refused(LedgerApi.Response answer, int status) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.get("type").asString()).startsWith("https://tasklane.io/problems/");
    assertThat(listedTaskIds("")).isEmpty();
    return problem;
  }

  record RawAnswer(int status, Map<String, String> headers, String body) {
    String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  private RawAnswer raw(String request) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        in.transferTo(bytes);
      } catch (IOException e) {
        // the server may reset after its answer
      }
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      String head = headEnd < 0 ? text : text.substring(0, headEnd);
      String[] lines = head.split("\r\n");
      int status = lines[0].length() >= 12 ? Integer.parseInt(lines[0].substring(9, 12)) : -1;
      Map<String, String> headers = new java.util.HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(),
              lines[i].substring(colon + 1).trim());
        }
      }
      return new RawAnswer(status, headers, headEnd < 0 ? "" : text.substring(headEnd + 4));
    }
  }
}

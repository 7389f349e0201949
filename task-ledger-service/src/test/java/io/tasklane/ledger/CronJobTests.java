package io.tasklane.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CronJobTests extends OperationsTest {

  private static final String HOURLY =
      """
      {"name":"hourly digest","cronExpression":"0 * * * *","timeZone":"Europe/Berlin",
       "task":{"goal":"Write the digest","label":"digest","metadata":{"team":"ops"}}}
      """;

  @Test
  void aCronJobIsDefinedShownChangedSwitchedOffAndOnAndDeleted() {
    JsonNode job = create(HOURLY);
    String id = job.get("cronJobId").asString();
    assertThat(job.get("enabled").asBoolean()).isTrue();
    assertThat(job.get("timeZone").asString()).isEqualTo("Europe/Berlin");
    Instant next = Instant.parse(job.get("nextFireAt").asString());
    assertThat(next).isAfter(Instant.now());
    assertThat(next.getEpochSecond() % 3600).isZero();

    assertThat(api.get(tenant, "/api/v1/cron-jobs").json().values())
        .extracting(j -> j.get("name").asString())
        .containsExactly("hourly digest");
    var changed =
        api.put(
            tenant,
            "/api/v1/cron-jobs/" + id,
            HOURLY.replace("0 * * * *", "0 0 6 * * MON").replace("Write the digest", "Weekly"));
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().get("cronExpression").asString()).isEqualTo("0 0 6 * * MON");
    assertThat(changed.json().get("task").get("goal").asString()).isEqualTo("Weekly");
    assertThat(changed.json().get("revision").asLong()).isEqualTo(1);

    var disabled = api.post(tenant, "/api/v1/cron-jobs/" + id + "/disable", null);
    assertThat(disabled.json().get("enabled").asBoolean()).isFalse();
    var enabled = api.post(tenant, "/api/v1/cron-jobs/" + id + "/enable", null);
    assertThat(enabled.json().get("enabled").asBoolean()).isTrue();
    assertThat(api.get(tenant, "/api/v1/cron-jobs/" + id).json().get("revision").asLong())
        .isEqualTo(3);

    var deleted = api.send(api.request(tenant, "/api/v1/cron-jobs/" + id).DELETE());
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(api.get(tenant, "/api/v1/cron-jobs/" + id).status()).isEqualTo(404);
  }

  @Test
  void badDefinitionsAreRefused() {
    create(HOURLY);

    var badExpression = api.post(tenant, "/api/v1/cron-jobs", HOURLY.replace("0 * * * *", "often"));
    var badZone =
        api.post(tenant, "/api/v1/cron-jobs", HOURLY.replace("Europe/Berlin", "Mars/Olympus"));
    var sameName = api.post(tenant, "/api/v1/cron-jobs", HOURLY);
    var otherTenant = api.get(tenant + "-other", "/api/v1/cron-jobs");

    assertThat(badExpression.status()).isEqualTo(400);
    assertThat(badExpression.json().get("errors").get(0).get("field").asString())
        .isEqualTo("cronExpression");
    assertThat(badZone.status()).isEqualTo(400);
    assertThat(sameName.status()).isEqualTo(409);
    assertThat(sameName.json().get("type").asString()).endsWith("/cron-job-exists");
    assertThat(otherTenant.json().size()).isZero();
  }

  @Test
  void eachFiringRecordsASilentCronTaskWhoseChildrenStaySilent() {
    JsonNode job =
        create(
            """
            {"name":"every second","cronExpression":"* * * * * *",
             "task":{"goal":"Check the queue","modelOptions":{"model":"small"}}}
            """);
    String jobId = job.get("cronJobId").asString();

    String taskId =
        await()
            .atMost(PATIENCE)
            .until(() -> listedTaskIds("runtime=cron"), ids -> !ids.isEmpty())
            .getLast();
    api.post(tenant, "/api/v1/cron-jobs/" + jobId + "/disable", null);

    JsonNode task = show(taskId);
    assertThat(task.get("runtime").asString()).isEqualTo("cron");
    assertThat(task.get("notifyPolicy").asString()).isEqualTo("silent");
    assertThat(task.get("label").asString()).isEqualTo("every second");
    assertThat(task.get("modelOptions").get("model").asString()).isEqualTo("small");
    assertThat(task.get("metadata").get("cronJobId").asString()).isEqualTo(jobId);
    assertThat(task.get("metadata").get("scheduledFor").asString()).isNotBlank();
    JsonNode shownJob = api.get(tenant, "/api/v1/cron-jobs/" + jobId).json();
    assertThat(shownJob.get("firings").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(shownJob.get("lastFiredAt").isNull()).isFalse();

    JsonNode child = createTask("{\"goal\":\"Sub-check\",\"parentTaskId\":\"" + taskId + "\"}");
    assertThat(child.get("notifyPolicy").asString()).isEqualTo("silent");
  }

  @Test
  void aFiringOfAJobWhoseTemplateCarriesAPlanRecordsATaskWithThatPlan() {
    JsonNode job =
        create(
            """
            {"name":"planned every second","cronExpression":"* * * * * *",
             "task":{"goal":"Rotate the logs","plan":[
               {"description":"Compress yesterday's log","doneWhen":"app.log.1.gz exists"},
               {"description":"Delete logs older than a week","doneWhen":"no log older than 7 days"}]}}
            """);
    String jobId = job.get("cronJobId").asString();
    assertThat(job.get("task").get("plan")).hasSize(2);

    String taskId =
        await()
            .atMost(PATIENCE)
            .until(() -> listedTaskIds("runtime=cron"), ids -> !ids.isEmpty())
            .getLast();
    api.post(tenant, "/api/v1/cron-jobs/" + jobId + "/disable", null);

    JsonNode plan = show(taskId).get("plan");
    assertThat(plan)
        .extracting(s -> s.get("description").asString() + " | " + s.get("doneWhen").asString())
        .containsExactly(
            "Compress yesterday's log | app.log.1.gz exists",
            "Delete logs older than a week | no log older than 7 days");
    assertThat(plan).allSatisfy(s -> assertThat(s.get("status").asString()).isEqualTo("pending"));
  }

  private JsonNode create(String body) {
    var created =
        api.send(
            api.request(tenant, "/api/v1/cron-jobs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }
}

package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.testsupport.TestPostgres;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The board in a real browser (headless Chromium) against the whole suite, the way an operator uses
 * it: sign in with a key, watch tasks move through the lanes as the tenant's event stream reports
 * them, open a task and act on it. The runner has one slot, so a task can be held in the queue
 * behind another for as long as a test needs to look at it.
 */
class BoardBrowserTests {

  static final String ACME_KEY = "tl_board_acme_operator";
  static final String GLOBEX_KEY = "tl_board_globex_operator";
  static final String BULK_KEY = "tl_board_bulk_operator";
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Duration PATIENCE = Duration.ofSeconds(60);
  static final String STREAM_LIFETIME = "5s";

  static ScriptedModelServer models;
  static LocalSuite suite;
  static String gateway;
  static Path profiles;
  final HttpClient http = HttpClient.newHttpClient();
  ChromeDriver browser;
  WebDriverWait patiently;

  @BeforeAll
  static void startTheSuite() throws Exception {
    models = ScriptedModelServer.start();
    models.script("board-hang", Script.always(Reply.hang(Duration.ofSeconds(120))));
    models.script("board-yes", Script.always(Reply.text("YES: the file was written.")));
    var postgres = TestPostgres.get();
    var ledgerDb = postgres.database("board_ledger");
    var notifierDb = postgres.database("board_notifier");
    suite =
        LocalSuite.fromArguments(
            SuiteArguments.allServices()
                .postgres(ledgerDb.jdbcUrl(), ledgerDb.username(), ledgerDb.password())
                .databases(ledgerDb.name(), notifierDb.name())
                .model(models.openAiBaseUrl(), "board-default")
                .home(Path.of(".."))
                .tenant("acme", ACME_KEY)
                .set("runner", "tasklane.runner.slots", "1")
                // every event stream ends after a few seconds, so every test sees the board resume
                .set("ledger", "tasklane.ledger.events.sse-timeout", STREAM_LIFETIME)
                .apiKey("globex", GLOBEX_KEY, "globex", "tasks:read,tasks:write")
                .apiKey("bulk", BULK_KEY, "bulk", "tasks:read,tasks:write")
                .set("gateway", "tasklane.gateway.rate-limit.requests-per-second", "5000")
                .set("gateway", "tasklane.gateway.rate-limit.burst", "5000")
                .toArray());
    assertThat(suite.start()).isEqualTo(ACME_KEY);
    gateway = "http://localhost:" + suite.port("gateway");
    profiles = Files.createTempDirectory("board-browser");
  }

  @AfterAll
  static void stopTheSuite() {
    if (suite != null) {
      suite.stop();
    }
    models.close();
  }

  @BeforeEach
  void openTheBrowser() throws Exception {
    browser = Chromium.start(Files.createTempDirectory(profiles, "profile"), 1280, 900);
    patiently = new WebDriverWait(browser, PATIENCE);
  }

  @AfterEach
  void closeTheBrowser(TestInfo test) {
    if (browser != null) {
      try {
        Chromium.screenshot(browser, test.getTestMethod().orElseThrow().getName());
        assertThat(Chromium.pageErrors(browser)).as("errors the page reported").isEmpty();
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void anOperatorSignsInAndSeesTheLanesLiveAndSignsOut() {
    signIn(ACME_KEY);

    assertThat(browser.findElements(By.cssSelector("section.lane")))
        .extracting(lane -> lane.findElement(By.tagName("h2")).getText())
        .containsExactly("Queued", "Running", "Needs assistance", "Paused", "Recently ended");
    patiently.until(ExpectedConditions.textToBe(By.id("stream-state"), "Live"));
    assertThat(sessionKey()).isEqualTo(ACME_KEY);
    assertThat(browser.findElement(By.cssSelector("#stats svg")).getAttribute("role"))
        .isEqualTo("img");

    browser.findElement(By.id("sign-out")).click();

    patiently.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
    assertThat(sessionKey()).isNull();
  }

  @Test
  void aCreatedTaskAppearsInQueuedThenMovesToRunningAndSucceededWithoutAReload() throws Exception {
    String blocker = holdTheRunnersSlot();
    String run = UUID.randomUUID().toString().substring(0, 8);
    models.script(
        "board-live-" + run,
        Script.of(
            Reply.after(
                Duration.ofSeconds(3),
                Reply.toolCall("write_file", "{\"path\":\"live.md\",\"content\":\"live\"}")),
            Reply.text("live.md is written."),
            Reply.text("The live file is written.")));
    signIn(ACME_KEY);
    markThePage();

    String taskId =
        createTask(
            ACME_KEY,
            "Write the live file",
            "live-" + run,
            "board-live-" + run,
            "[{\"description\":\"Write live.md\",\"doneWhen\":\"live.md exists\"}]");

    assertThat(cardText("queued", taskId, "step 1/1")).contains("live-" + run, "subagent");
    cancel(ACME_KEY, blocker);
    assertThat(cardText("running", taskId, "step 1/1")).contains("live-" + run);
    assertThat(cardText("ended", taskId, "succeeded")).contains("live-" + run, "step 1/1");
    assertThat(thePageWasNotReloaded()).isTrue();
    assertThat(status(ACME_KEY, taskId)).isEqualTo("succeeded");
  }

  @Test
  void aTaskThatNeedsAssistanceShowsWhyOnItsCard() throws Exception {
    models.script("board-liar", Script.always(Reply.text("Done! I created report.md.")));
    signIn(ACME_KEY);

    String taskId =
        createTask(
            ACME_KEY,
            "Write the quarterly report",
            "quarterly-report",
            "board-liar",
            "[{\"description\":\"Write report.md\",\"doneWhen\":\"report.md exists\"}]");

    assertThat(cardText("needs_assistance", taskId, "no tool call of this attempt succeeded"))
        .contains("quarterly-report");
    assertThat(
            browser
                .findElement(By.cssSelector("a.card[data-task-id='" + taskId + "'] .reason"))
                .getText())
        .contains("no tool call of this attempt succeeded");
  }

  @Test
  void aCallThatWaitsForApprovalIsListedInOperationsAndApprovedFromTheTaskDetail()
      throws Exception {
    models.script(
        "board-approval",
        Script.of(
            Reply.toolCall("write_file", "{\"path\":\"release/notes.md\",\"content\":\"1.4\"}"),
            Reply.text("The release notes are written."),
            Reply.text("Release notes written after approval.")));
    var created =
        send(
            ACME_KEY,
            "POST",
            "/api/v1/tasks",
            """
            {"goal":"Write the release notes","label":"needs-approval",
             "plan":[{"description":"Write release/notes.md","doneWhen":"the notes exist",
                      "check":{"type":"file_exists","path":"release/notes.md"}}],
             "modelOptions":{"model":"board-approval","toolsAllowed":["write_file"],
               "approvals":{"rules":[{"tool":"write_file","allowedPathPrefix":"drafts/"}]}}}
            """);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String taskId = JSON.readTree(created.body()).get("taskId").asString();
    await().atMost(PATIENCE).until(() -> status(ACME_KEY, taskId).equals("needs_assistance"));
    signIn(ACME_KEY);

    browser.findElement(By.cssSelector("[data-nav='operations']")).click();
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("ops-approvals"), "needs-approval"));
    assertThat(browser.findElement(By.id("ops-approvals")).getText())
        .contains("write_file", "release/notes.md");
    browser.get(gateway + "/#/tasks/" + taskId);
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("approval"), "waits for a decision"));
    assertThat(browser.findElement(By.id("approval-arguments")).getText())
        .contains("release/notes.md");
    browser.findElement(By.id("approval-comment")).sendKeys("notes are fine");
    click(By.id("approve-call"));

    patiently.until(
        ExpectedConditions.attributeToBe(By.id("task-status"), "data-status", "succeeded"));
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("approval-decision"), "approved by local"));
    assertThat(browser.findElements(By.id("approve-call"))).isEmpty();
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("journal"), "approval 1 approved by local"));
  }

  @Test
  void cancellingFromTheTaskDetailAsksFirstAndCancelsTheTaskOnTheLedger() throws Exception {
    signIn(ACME_KEY);
    String taskId =
        createTask(
            ACME_KEY,
            "Wait for a model that never answers",
            "to-cancel",
            "board-hang",
            "[{\"description\":\"Wait\",\"doneWhen\":\"the model answered\"}]");
    cardText("running", taskId, "to-cancel");
    openCard("running", taskId);
    patiently.until(ExpectedConditions.textToBe(By.id("task-title"), "to-cancel"));
    assertThat(browser.findElement(By.id("goal-title")).isDisplayed()).isTrue();
    assertThat(browser.findElements(By.cssSelector("#plan li"))).hasSize(1);

    click(By.id("cancel-task"));
    WebElement dialog =
        patiently.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    assertThat(dialog.getText()).contains("Cancel this task?");
    assertThat(status(ACME_KEY, taskId)).isEqualTo("running");
    click(By.id("confirm-ok"));

    patiently.until(
        ExpectedConditions.attributeToBe(By.id("task-status"), "data-status", "cancelled"));
    assertThat(status(ACME_KEY, taskId)).isEqualTo("cancelled");
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("journal"), "cancelled"));

    click(By.id("cancel-task"));
    patiently.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok"))).click();
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("control-feedback"), "409"));
    assertThat(browser.findElement(By.id("control-feedback")).getAttribute("class"))
        .contains("error");
  }

  @Test
  void aWrongKeyShowsTheSignInErrorAndNoBoard() {
    browser.get(gateway + "/");
    WebElement key =
        patiently.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));

    browser.findElement(By.id("sign-in-button")).click();
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("sign-in-error"), "Enter an API key"));
    key.sendKeys("tl_not_a_key_anyone_has");
    browser.findElement(By.id("sign-in-button")).click();

    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "not accepted"));
    assertThat(browser.findElements(By.cssSelector("section.lane"))).isEmpty();
    assertThat(browser.findElement(By.id("top")).isDisplayed()).isFalse();
    assertThat(sessionKey()).isNull();
  }

  @Test
  void aSecondTenantsKeyNeverShowsTheFirstTenantsCards() throws Exception {
    String acmeBefore = createExternalTask(ACME_KEY, "acme-private");
    cancel(ACME_KEY, acmeBefore);
    signIn(GLOBEX_KEY);
    patiently.until(ExpectedConditions.textToBe(By.id("stream-state"), "Live"));

    String acmeLive = createExternalTask(ACME_KEY, "acme-live");
    String globex = createExternalTask(GLOBEX_KEY, "globex-own");
    cardText("*", globex, "globex-own");
    cancel(GLOBEX_KEY, globex);
    cardText("ended", globex, "cancelled");
    cancel(ACME_KEY, acmeLive);
    await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);

    List<String> shown =
        browser.findElements(By.cssSelector("a.card")).stream()
            .map(card -> card.getAttribute("data-task-id"))
            .toList();
    assertThat(shown).contains(globex).doesNotContain(acmeBefore, acmeLive);
    assertThat(browser.findElement(By.tagName("main")).getText())
        .doesNotContain("acme-private", "acme-live");
    browser.get(gateway + "/#/tasks/" + acmeBefore);
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view .error"), "404"));
  }

  @Test
  void theBoardIsUsedFromTheKeyboardAndFitsAPhoneWidthScreen() throws Exception {
    models.script("board-confused", Script.always(Reply.text("Done! The changelog is updated.")));
    String stuck =
        createTask(
            ACME_KEY,
            "Update the changelog",
            "changelog",
            "board-confused",
            "[{\"description\":\"Edit CHANGELOG.md\",\"doneWhen\":\"CHANGELOG.md lists 1.4\"}]");
    await().atMost(PATIENCE).until(() -> status(ACME_KEY, stuck).equals("needs_assistance"));
    String holder = holdTheRunnersSlot();
    String waiting =
        createTask(
            ACME_KEY,
            "Summarise the incident",
            "incident-summary",
            "board-hang",
            "[{\"description\":\"Read the log\",\"doneWhen\":\"notes.md exists\"},"
                + "{\"description\":\"Write the summary\",\"doneWhen\":\"summary.md exists\"}]");
    String paused = createExternalTask(ACME_KEY, "key-rotation");
    send(ACME_KEY, "POST", "/api/v1/tasks/" + paused + "/pause", null);
    signIn(ACME_KEY);
    cardText("queued", waiting, "step 1/2");
    cardText("running", holder, "slot-holder");
    cardText("paused", paused, "key-rotation");
    cardText("needs_assistance", stuck, "changelog");
    Chromium.screenshot(browser, "board-1280");
    WebElement label = browser.findElement(By.id("filter-label"));
    label.sendKeys("INCIDENT");
    patiently.until(driver -> cardsIn("running").isEmpty() && cardsIn("paused").isEmpty());
    assertThat(browser.findElements(By.cssSelector("a.card")))
        .extracting(card -> card.getAttribute("data-task-id"))
        .containsExactly(waiting);
    new Select(browser.findElement(By.id("filter-runtime"))).selectByValue("cron");
    patiently.until(driver -> driver.findElements(By.cssSelector("a.card")).isEmpty());
    new Select(browser.findElement(By.id("filter-runtime"))).selectByValue("");
    label.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    cardText("running", holder, "slot-holder");
    cardText("queued", waiting, "step 1/2");

    browser.manage().window().setSize(new Dimension(390, 844));
    patiently.until(
        driver ->
            ((Number) ((JavascriptExecutor) driver).executeScript("return window.innerWidth"))
                    .intValue()
                <= 420);
    List<WebElement> lanes = browser.findElements(By.cssSelector("section.lane"));
    assertThat(lanes.get(1).getLocation().getY()).isGreaterThan(lanes.get(0).getLocation().getY());
    assertThat(lanes.get(1).getLocation().getX()).isEqualTo(lanes.get(0).getLocation().getX());
    assertThat(
            (Boolean)
                ((JavascriptExecutor) browser)
                    .executeScript(
                        "return document.documentElement.scrollWidth <= window.innerWidth"))
        .as("no sideways scrolling at phone width")
        .isTrue();
    Chromium.screenshot(browser, "board-390");

    for (int i = 0; i < 80 && !waiting.equals(focused("data-task-id")); i++) {
      browser.switchTo().activeElement().sendKeys(Keys.TAB);
    }
    assertThat(focused("data-task-id")).as("a card is reached with Tab").isEqualTo(waiting);
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    patiently.until(ExpectedConditions.textToBe(By.id("task-title"), "incident-summary"));
    browser.findElement(By.id("cancel-task")).sendKeys(Keys.ENTER);
    patiently.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    assertThat(focused("id")).as("the safe choice has the focus").isEqualTo("confirm-cancel");
    browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    patiently.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
    assertThat(status(ACME_KEY, waiting)).isEqualTo("queued");
    Chromium.screenshot(browser, "task-390");

    cancel(ACME_KEY, waiting);
    cancel(ACME_KEY, holder);
  }

  @Test
  void theOperationsViewShowsTheAuditRunsMaintenanceAndListsFlowsAndCronJobs() throws Exception {
    var flow = send(ACME_KEY, "POST", "/api/v1/flows", "{\"goal\":\"Release 1.4\"}");
    assertThat(flow.statusCode()).as(flow.body()).isEqualTo(201);
    String flowId = JSON.readTree(flow.body()).get("flowId").asString();
    var inFlow =
        send(
            ACME_KEY,
            "POST",
            "/api/v1/tasks",
            "{\"goal\":\"Tag the release\",\"label\":\"tag-release\",\"parentFlowId\":\""
                + flowId
                + "\",\"executor\":\"external\"}");
    assertThat(inFlow.statusCode()).as(inFlow.body()).isEqualTo(201);
    String flowTask = JSON.readTree(inFlow.body()).get("taskId").asString();
    cancel(ACME_KEY, flowTask);
    var cron =
        send(
            ACME_KEY,
            "POST",
            "/api/v1/cron-jobs",
            "{\"name\":\"nightly-digest\",\"cronExpression\":\"0 0 3 * * *\","
                + "\"task\":{\"goal\":\"Write the nightly digest\"}}");
    assertThat(cron.statusCode()).as(cron.body()).isEqualTo(201);
    String cronJobId = JSON.readTree(cron.body()).get("cronJobId").asString();
    signIn(ACME_KEY);

    browser.findElement(By.cssSelector("[data-nav='operations']")).click();
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("ops-audit"), "findings"));
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("ops-cron"), "nightly-digest"));
    browser.findElement(By.id("maintenance-preview")).click();
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("maintenance-result"), "Would change"));
    browser.findElement(By.id("maintenance-apply")).click();
    patiently.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok"))).click();
    patiently.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("maintenance-result"), "Changed"));

    browser.findElement(By.cssSelector("button[aria-label='Disable nightly-digest']")).click();
    patiently.until(
        ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("button[aria-label='Enable nightly-digest']")));
    var job = send(ACME_KEY, "GET", "/api/v1/cron-jobs/" + cronJobId, null);
    assertThat(JSON.readTree(job.body()).get("enabled").asBoolean()).isFalse();

    browser.findElement(By.linkText("Release 1.4")).click();
    patiently.until(
        ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("#view a[href='#/tasks/" + flowTask + "']")));
    assertThat(browser.findElement(By.id("view")).getText()).contains("tag-release", "cancelled");
  }

  @Test
  void aThousandActiveTasksArePagedAndTheBoardStaysLiveAsHundredsOfThemEnd() throws Exception {
    // external tasks are never dispatched: a thousand of them stay queued for as long as needed
    List<String> created = createExternalTasks(BULK_KEY, 0, 1000);
    long signInStarted = System.nanoTime();
    signIn(BULK_KEY);
    cardText("queued", created.getLast(), "bulk-999");
    long firstPageMillis = (System.nanoTime() - signInStarted) / 1_000_000;
    ((JavascriptExecutor) browser)
        .executeScript(
            "window.__long = []; new PerformanceObserver(list => list.getEntries()"
                + ".forEach(e => window.__long.push(e.duration))).observe({type: 'longtask'});");

    assertThat(cardsIn("queued")).hasSize(50);
    patiently.until(
        ExpectedConditions.textToBe(By.cssSelector("section[data-lane='queued'] .count"), "1000"));
    long moreStarted = System.nanoTime();
    browser.findElement(By.cssSelector("section[data-lane='queued'] button.more")).click();
    patiently.until(driver -> cardsIn("queued").size() == 100);
    long showMoreMillis = (System.nanoTime() - moreStarted) / 1_000_000;

    long liveStarted = System.nanoTime();
    String fresh = createExternalTasks(BULK_KEY, 1000, 1).getFirst();
    cardText("queued", fresh, "bulk-1000");
    long newCardMillis = (System.nanoTime() - liveStarted) / 1_000_000;
    assertThat(cardsIn("queued").getFirst().getAttribute("data-task-id")).isEqualTo(fresh);

    List<String> ending = created.subList(800, 1000);
    long endingStarted = System.nanoTime();
    parallel(ending, taskId -> cancel(BULK_KEY, taskId));
    patiently.until(
        driver ->
            cardsIn("queued").size() == 100
                && cardsIn("queued").stream()
                    .map(card -> card.getAttribute("data-task-id"))
                    .noneMatch(ending::contains));
    long endedMillis = (System.nanoTime() - endingStarted) / 1_000_000;
    assertThat(cardsIn("ended")).hasSize(50);
    assertThat(ending).contains(cardsIn("ended").getFirst().getAttribute("data-task-id"));
    @SuppressWarnings("unchecked")
    List<Number> longTasks =
        (List<Number>) ((JavascriptExecutor) browser).executeScript("return window.__long");
    System.out.printf(
        "Board with 1,000 active tasks: first page after %d ms, 50 more after %d ms, a new task's"
            + " card after %d ms, 200 cancellations moved off the lane after %d ms; %d long tasks"
            + " (> 50 ms) in the page, longest %.0f ms%n",
        firstPageMillis,
        showMoreMillis,
        newCardMillis,
        endedMillis,
        longTasks.size(),
        longTasks.stream().mapToDouble(Number::doubleValue).max().orElse(0));
  }

  @Test
  void eventsPublishedWhileTheStreamReconnectsStillReachTheBoard() throws Exception {
    signIn(GLOBEX_KEY);
    markThePage();
    ((JavascriptExecutor) browser)
        .executeScript(
            "window.__reconnects = 0; new MutationObserver(() => {"
                + " if (document.getElementById('stream-state').dataset.state === 'reconnecting')"
                + " window.__reconnects++; }).observe(document.getElementById('stream-state'),"
                + " {attributes: true, childList: true, characterData: true, subtree: true});");
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> created = new java.util.ArrayList<>();
    // a stream lives 5 s, so this usually takes 14 creates; on a slow machine it goes on until the
    // board has reconnected twice (or 60 creates have been made)
    for (int i = 0; i < 14 || (reconnects() < 2 && i < 60); i++) {
      var response =
          send(
              GLOBEX_KEY,
              "POST",
              "/api/v1/tasks",
              "{\"goal\":\"g\",\"label\":\"resume-%s-%d\",\"executor\":\"external\"}"
                  .formatted(run, i));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      created.add(JSON.readTree(response.body()).get("taskId").asString());
      Thread.sleep(1000);
    }

    for (String taskId : created) {
      cardText("queued", taskId, "resume-" + run);
    }
    assertThat(reconnects())
        .as("the stream ended and the board reconnected while the tasks were created")
        .isGreaterThanOrEqualTo(2);
    assertThat(thePageWasNotReloaded()).isTrue();
    parallel(created, taskId -> cancel(GLOBEX_KEY, taskId));
  }

  private int reconnects() {
    return ((Number) ((JavascriptExecutor) browser).executeScript("return window.__reconnects"))
        .intValue();
  }

  // --- the browser

  private List<WebElement> cardsIn(String lane) {
    return browser.findElements(By.cssSelector("section[data-lane='" + lane + "'] a.card"));
  }

  private String focused(String attribute) {
    return browser.switchTo().activeElement().getAttribute(attribute);
  }

  private void signIn(String key) {
    browser.get(gateway + "/");
    WebElement field =
        patiently.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
    field.sendKeys(key);
    browser.findElement(By.id("sign-in-button")).click();
    patiently.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("section.lane")));
    patiently.until(ExpectedConditions.textToBe(By.id("stream-state"), "Live"));
  }

  /** Clicks the element, found again if the live board re-rendered it meanwhile. */
  private void click(By element) {
    patiently
        .ignoring(StaleElementReferenceException.class)
        .until(
            driver -> {
              driver.findElement(element).click();
              return true;
            });
  }

  /**
   * Clicks the task's card; a card the board re-rendered from a live event between finding and
   * clicking it is found again.
   */
  private void openCard(String lane, String taskId) {
    patiently
        .ignoring(StaleElementReferenceException.class)
        .until(
            driver -> {
              card(lane, taskId).click();
              return true;
            });
  }

  private WebElement card(String lane, String taskId) {
    return patiently.until(
        ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector(
                "section[data-lane='" + lane + "'] a.card[data-task-id='" + taskId + "']")));
  }

  /** The text of the task's card once it is in {@code lane} ("*": any) and shows every text. */
  private String cardText(String lane, String taskId, String... texts) {
    String selector =
        (lane.equals("*") ? "section.lane" : "section[data-lane='" + lane + "']")
            + " a.card[data-task-id='"
            + taskId
            + "']";
    return patiently
        .ignoring(StaleElementReferenceException.class)
        .until(
            driver -> {
              List<WebElement> cards = driver.findElements(By.cssSelector(selector));
              if (cards.isEmpty()) {
                return null;
              }
              String text = cards.getFirst().getText();
              return List.of(texts).stream().allMatch(text::contains) ? text : null;
            });
  }

  private String sessionKey() {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript("return sessionStorage.getItem('tasklane.board.apiKey')");
  }

  /** A mark on the page's window that a reload would wipe. */
  private void markThePage() {
    ((JavascriptExecutor) browser).executeScript("window.__notReloaded = true");
  }

  private boolean thePageWasNotReloaded() {
    return Boolean.TRUE.equals(
        ((JavascriptExecutor) browser).executeScript("return window.__notReloaded === true"));
  }

  // --- the API, as a client

  /** A task whose model never answers, running in the runner's one slot until it is cancelled. */
  private String holdTheRunnersSlot() throws Exception {
    String blocker = createTask(ACME_KEY, "Hold the slot", "slot-holder", "board-hang", null);
    await().atMost(PATIENCE).until(() -> status(ACME_KEY, blocker).equals("running"));
    return blocker;
  }

  private String createTask(String key, String goal, String label, String model, String plan)
      throws Exception {
    String body =
        """
        {"goal":"%s","label":"%s","modelOptions":{"model":"%s","verifierModel":"board-yes"}%s}
        """
            .formatted(goal, label, model, plan == null ? "" : ",\"plan\":" + plan);
    var response = send(key, "POST", "/api/v1/tasks", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body()).get("taskId").asString();
  }

  /**
   * A task recorded for an external executor: no runner ever claims it, so a test may cancel it at
   * any moment without racing a claim.
   */
  private String createExternalTask(String key, String label) throws Exception {
    var response =
        send(
            key,
            "POST",
            "/api/v1/tasks",
            "{\"goal\":\"Work done elsewhere\",\"label\":\"%s\",\"executor\":\"external\"}"
                .formatted(label));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body()).get("taskId").asString();
  }

  /** Tasks {@code bulk-<from>} … recorded for an external executor, oldest first. */
  private List<String> createExternalTasks(String key, int from, int count) throws Exception {
    List<Integer> numbers = java.util.stream.IntStream.range(from, from + count).boxed().toList();
    String[] ids = new String[count];
    for (int i = 0; i < count; i++) {
      var response =
          send(
              key,
              "POST",
              "/api/v1/tasks",
              "{\"goal\":\"Bulk task\",\"label\":\"bulk-%d\",\"executor\":\"external\"}"
                  .formatted(numbers.get(i)));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      ids[i] = JSON.readTree(response.body()).get("taskId").asString();
    }
    return List.of(ids);
  }

  interface TaskAction {
    void on(String taskId) throws Exception;
  }

  private static void parallel(List<String> taskIds, TaskAction action) throws Exception {
    try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (String taskId : taskIds) {
        done.add(
            threads.submit(
                () -> {
                  action.on(taskId);
                  return null;
                }));
      }
      for (var future : done) {
        future.get();
      }
    }
  }

  private void cancel(String key, String taskId) throws Exception {
    var response = send(key, "POST", "/api/v1/tasks/" + taskId + "/cancel", null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private String status(String key, String taskId) throws Exception {
    var response = send(key, "GET", "/api/v1/tasks/" + taskId, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode task = JSON.readTree(response.body());
    return task.get("status").asString();
  }

  private HttpResponse<String> send(String key, String method, String path, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    // "not applied, retry later" (the ledger's database is slow to hand out a connection on a
    // loaded machine): do what a client is told to
    for (int retry = 0; retry < 5 && response.statusCode() == 503; retry++) {
      Thread.sleep(1000 * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
    return response;
  }
}

package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.master.store.JobQueries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (Debian's headless Chromium through its chromedriver) against a real
 * standalone node running FFmpeg: log in with a key and with a login link, the fleet and its watts,
 * a campaign submitted from the page and followed to its ranking without reloading, a job's page
 * and power chart, canceling a running job, the live stream dropping and coming back, a viewer
 * offered no submit or cancel, a wrong key's error. Screenshots of each view go to {@code
 * target/ui-screenshots/}; any console error or content security policy violation fails the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {

  static final Path SHOTS = Path.of("target", "ui-screenshots");

  /** Two configurations of a tiny synthetic clip, PSNR measured: a ranking and two Pareto plots. */
  static final String CAMPAIGN =
      new JsonObject()
          .put("name", "ui-tiny")
          .put(
              "base",
              new JsonObject(ApiServerIT.TINY)
                  .put("measure", new JsonObject().put("quality", new JsonArray().add("psnr"))))
          .put(
              "configurations",
              new JsonArray()
                  .add(new JsonObject().put("video", new JsonObject().put("preset", "ultrafast")))
                  .add(new JsonObject().put("video", new JsonObject().put("preset", "veryfast"))))
          .put("idle_baseline_s", 0)
          .encode();

  /** A few seconds of encoding: a power trace of some tens of samples. */
  static final String CHARTED =
      """
      {"name": "charted", "input": {"type": "synthetic", "duration_s": 4, "resolution": "640x360", "fps": 30},
       "video": {"encoder": "libx264", "preset": "medium", "resolution": "640x360", "fps": 30},
       "measure": {"quality": [], "interval_ms": 100}}\
      """;

  @TempDir static Path dir;

  ApiFixture api;
  ChromeDriver browser;
  String operatorKey;
  String viewerKey;
  String campaignId;
  int rtmpPort;

  /** Console lines that fail the run; {@link #allowed} is what the current step expects. */
  final List<String> problems = new ArrayList<>();

  Pattern allowed = null;

  @BeforeAll
  void up() throws Exception {
    Chromium.required();
    Files.createDirectories(SHOTS);
    rtmpPort = io.ffrtmp.support.LocalPorts.freePortPair();
    // The node's own nginx-rtmp, for a live stream in the live view.
    api = ApiFixture.standalone(dir, io.ffrtmp.live.RtmpConfig.parse("embedded", rtmpPort), c -> c);
    operatorKey = key("operator");
    viewerKey = key("viewer");
    browser = Chromium.start(true);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  void down() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (api != null) {
        api.close();
      }
    }
  }

  private String key(String role) throws Exception {
    ApiFixture.Response r =
        api.post(
            "/api/v1/keys",
            api.tokens.get(Role.ADMIN),
            new JsonObject().put("role", role).put("name", "ui " + role).encode());
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("key");
  }

  @Test
  @Order(1)
  void aWrongKeyIsRefusedWithTheApisMessageAndField() throws Exception {
    browser.get(api.base + "/");
    // The failed exchange itself is the one console line expected here.
    allowed = Pattern.compile("api/v1/tokens .*401");
    logIn("ffk_not-a-key");
    WebElement error = waitFor(By.id("login-error"));
    waitUntil(() -> error.isDisplayed() && !error.getText().isEmpty());
    assertThat(error.getText()).contains("not a valid API key").contains("field: api_key");
    assertThat(browser.findElement(By.id("top")).isDisplayed()).isFalse();
    shot("login-error");
    checkConsole();
  }

  @Test
  @Order(2)
  void anOperatorSeesTheNodeAndItsWatts() throws Exception {
    browser.get(api.base + "/");
    logIn(operatorKey);
    waitUntil(() -> text(By.id("who")).contains("operator"));
    assertThat(session()).as("the token is in session storage").contains("\"role\":\"operator\"");
    assertThat(cookies()).as("no cookie").isEmpty();
    WebElement row = waitFor(By.cssSelector("#nodes tbody tr"));
    String nodeId = await(api.nodes.list(), 10).get(0).getString("node_id");
    assertThat(row.getText()).contains(nodeId);
    assertThat(browser.findElements(By.cssSelector("#nodes [data-action=drain]"))).hasSize(1);

    // While a job runs, the node's power is shown with its provenance (this node estimates).
    String slow = submit(ApiServerIT.SLOW);
    try {
      waitForState(slow, "running");
      waitUntil(
          () -> {
            String power = text(By.cssSelector("#nodes tbody tr td[data-col=watts]"));
            return power.matches("(?s).*\\d+\\.\\d W.*") && power.contains("estimated");
          },
          Duration.ofSeconds(30));
      // Two readings (one per 5 s poll) make a sparkline.
      waitFor(By.cssSelector("#nodes svg.spark polyline"));
      shot("fleet");
    } finally {
      cancel(slow);
    }
    checkConsole();
  }

  @Test
  @Order(3)
  void aCampaignSubmittedFromThePageIsFollowedToItsRankingWithoutReloading() throws Exception {
    browser.findElement(By.id("nav-campaigns")).click();
    WebElement text = waitFor(By.id("campaign-text"));
    browser.executeScript("arguments[0].value = arguments[1]", text, CAMPAIGN);
    markPage();
    browser.findElement(By.id("campaign-submit")).click();
    waitUntil(() -> browser.getCurrentUrl().matches(".*#/campaigns/[0-9a-f-]{36}$"));
    campaignId = browser.getCurrentUrl().replaceAll(".*#/campaigns/", "");
    waitUntil(() -> text(By.id("campaign-done")).equals("done"), Duration.ofMinutes(3));
    waitFor(By.cssSelector("#ranking tbody tr"));
    assertThat(browser.findElements(By.cssSelector("#ranking tbody tr"))).hasSize(2);
    String ranking = text(By.id("ranking"));
    assertThat(ranking).contains("J/frame").contains("dB").contains("kbps").contains("estimated");
    // Sortable: by rank, then the other way.
    browser.findElement(By.cssSelector("#ranking th[data-key=rank]")).click();
    assertThat(
            browser
                .findElement(By.cssSelector("#ranking th[data-key=rank]"))
                .getDomAttribute("aria-sort"))
        .isEqualTo("ascending");
    assertThat(text(By.cssSelector("#ranking tbody tr td[data-col=rank]"))).isEqualTo("1");
    browser.findElement(By.cssSelector("#ranking th[data-key=rank]")).click();
    assertThat(text(By.cssSelector("#ranking tbody tr td[data-col=rank]"))).isEqualTo("2");
    waitFor(By.cssSelector("#pareto-rate canvas"));
    waitFor(By.cssSelector("#pareto-quality canvas"));
    assertThat(pageMarked()).as("the page was not reloaded").isTrue();
    // A recommendation asked from the page, and a bad target's error naming its field.
    WebElement target = browser.findElement(By.id("rec-target"));
    target.clear();
    target.sendKeys("psnr=30");
    browser.findElement(By.cssSelector("#rec-form button[type=submit]")).click();
    waitUntil(() -> text(By.cssSelector("#recommendation-text .recommendation")).contains("PSNR"));
    assertThat(text(By.id("recommendation-text"))).contains("J/frame");
    shot("campaign");
    allowed = Pattern.compile("recommendation.*400");
    target = browser.findElement(By.id("rec-target"));
    target.clear();
    target.sendKeys("vmav=90");
    browser.findElement(By.cssSelector("#rec-form button[type=submit]")).click();
    waitUntil(() -> text(By.id("rec-error")).contains("field: target"));
    checkConsole();
    browser.executeScript(
        "arguments[0].scrollIntoView()", browser.findElement(By.id("pareto-rate")));
    shot("campaign-pareto");

    // A bad campaign: the API's message and field, nothing submitted.
    allowed = Pattern.compile("api/v1/campaigns .*400");
    browser.findElement(By.id("nav-campaigns")).click();
    WebElement again = waitFor(By.id("campaign-text"));
    browser.executeScript(
        "arguments[0].value = arguments[1]",
        again,
        "{\"name\": \"bad\", \"base\": {\"video\": {\"encoder\": \"libx264\", \"crf\": 99}}}");
    browser.findElement(By.id("campaign-submit")).click();
    WebElement error = waitFor(By.id("submit-error"));
    waitUntil(error::isDisplayed);
    assertThat(error.getText()).contains("field:").contains("crf");
    waitFor(By.cssSelector("#campaigns tbody tr"));
    shot("campaigns");
    checkConsole();
  }

  @Test
  @Order(4)
  void aJobGoesToSucceededWithoutReloadingAndItsPageHasAPowerChart() throws Exception {
    browser.findElement(By.id("nav-jobs")).click();
    waitFor(By.cssSelector("#jobs tbody tr"));
    markPage();
    String job = submit(CHARTED);
    By state = By.cssSelector("#jobs tr[data-key='" + job + "'] td[data-col=state]");
    waitUntil(() -> !browser.findElements(state).isEmpty(), Duration.ofSeconds(30));
    waitUntil(() -> text(state).equals("succeeded"), Duration.ofMinutes(2));
    assertThat(pageMarked()).as("the page was not reloaded").isTrue();
    shot("jobs");

    browser.findElement(By.cssSelector("#jobs tr[data-key='" + job + "'] a")).click();
    waitFor(By.cssSelector("#power-chart canvas"));
    assertThat(text(By.id("job-state"))).isEqualTo("succeeded");
    String page = text(By.id("view"));
    assertThat(page).contains("J/frame").contains("estimated").contains(job);
    assertThat(text(By.id("job-logs"))).contains("ffmpeg");
    shot("job");
    browser.executeScript(
        "arguments[0].scrollIntoView()", browser.findElement(By.id("power-chart")));
    shot("job-power");
    checkConsole();
  }

  @Test
  @Order(5)
  void anOperatorCancelsARunningJobFromTheJobsPage() throws Exception {
    browser.findElement(By.id("nav-jobs")).click();
    waitFor(By.cssSelector("#jobs tbody tr"));
    String slow = submit(ApiServerIT.SLOW);
    waitForState(slow, "running");
    By row = By.cssSelector("#jobs tr[data-key='" + slow + "']");
    try {
      waitUntil(() -> !browser.findElements(row).isEmpty() && text(row).contains("running"));
      // Live progress reaches the row: a progress bar, fps and watts.
      waitUntil(
          () ->
              !browser
                  .findElements(By.cssSelector("#jobs tr[data-key='" + slow + "'] progress"))
                  .isEmpty(),
          Duration.ofSeconds(60));
      shot("jobs-running");
      browser
          .findElement(By.cssSelector("#jobs tr[data-key='" + slow + "'] [data-action=cancel]"))
          .click();
      waitUntil(() -> text(row).contains("canceled"), Duration.ofSeconds(30));
      assertThat(
              api.get("/api/v1/jobs/" + slow, api.tokens.get(Role.ADMIN)).json().getString("state"))
          .isEqualTo("canceled");
    } finally {
      cancel(slow);
    }
    checkConsole();
  }

  @Test
  @Order(6)
  void theLiveStreamComesBackAfterTheServerRestartsAndResyncs() throws Exception {
    browser.findElement(By.id("nav-jobs")).click();
    waitFor(By.cssSelector("#jobs tbody tr"));
    waitUntil(() -> text(By.id("conn")).equals("live"));
    markPage();
    // The master's API goes away: the stream breaks, and every reconnect fails until it is back.
    allowed = Pattern.compile("api/v1/events|ERR_CONNECTION_REFUSED|Failed to fetch");
    api.stopServer();
    String missed;
    try {
      waitUntil(() -> text(By.id("conn")).contains("reconnecting"), Duration.ofSeconds(30));
      // Meanwhile a job is queued straight into the store and runs: the page misses its events.
      missed =
          await(
                  JobQueries.of(api.store)
                      .submit(
                          io.ffrtmp.job.JobSpec.fromJson(new JsonObject(ApiServerIT.TINY)), "test"),
                  30)
              .getString("job_id");
      api.vertx
          .eventBus()
          .publish(Addresses.JOBS_AVAILABLE, new JsonObject().put("job_id", missed));
      waitForStoredState(missed, "succeeded");
    } finally {
      api.startServer();
    }
    waitUntil(() -> text(By.id("conn")).equals("live"), Duration.ofSeconds(40));
    By row = By.cssSelector("#jobs tr[data-key='" + missed + "'] td[data-col=state]");
    waitUntil(
        () -> !browser.findElements(row).isEmpty() && text(row).equals("succeeded"),
        Duration.ofSeconds(30));
    assertThat(pageMarked()).as("the page was not reloaded").isTrue();
    shot("jobs-resynced");
    checkConsole();
  }

  @Test
  @Order(7)
  void aViewerIsOfferedNoSubmitCancelOrDrain() throws Exception {
    browser.findElement(By.id("logout")).click();
    waitUntil(() -> browser.findElement(By.id("login")).isDisplayed());
    assertThat(session()).as("logout forgets the token").isNull();
    logIn(viewerKey);
    waitUntil(() -> text(By.id("who")).contains("viewer"));
    browser.findElement(By.id("nav-fleet")).click();
    waitFor(By.cssSelector("#nodes tbody tr"));
    assertThat(browser.findElements(By.cssSelector("[data-action]"))).isEmpty();
    browser.findElement(By.id("nav-campaigns")).click();
    waitFor(By.cssSelector("#campaigns tbody tr"));
    assertThat(browser.findElements(By.id("campaign-form"))).isEmpty();
    browser.findElement(By.id("nav-jobs")).click();
    waitFor(By.cssSelector("#jobs tbody tr"));
    assertThat(browser.findElements(By.cssSelector("[data-action]"))).isEmpty();
    browser.get(api.base + "/#/campaigns/" + campaignId);
    waitFor(By.cssSelector("#ranking tbody tr"));
    assertThat(browser.findElements(By.cssSelector("[data-action]"))).isEmpty();
    shot("viewer-campaign");
    checkConsole();
  }

  @Test
  @Order(8)
  void aLoginLinkLogsInOnceAndLeavesTheAddressBar() throws Exception {
    browser.findElement(By.id("logout")).click();
    ApiFixture.Response link = api.post("/api/v1/login-links", api.tokens.get(Role.VIEWER), null);
    assertThat(link.status()).as(link.text()).isEqualTo(201);
    String path = link.json().getString("path");
    assertThat(path).startsWith("/#login=ffl_");
    browser.get(api.base + path);
    waitUntil(() -> text(By.id("who")).contains("viewer"));
    assertThat(browser.getCurrentUrl()).doesNotContain("login=").endsWith("#/fleet");
    waitFor(By.cssSelector("#nodes tbody tr"));
    shot("fleet-viewer");

    // The same link again: used up.
    browser.findElement(By.id("logout")).click();
    allowed = Pattern.compile("api/v1/tokens .*401");
    browser.get(api.base + path);
    WebElement error = waitFor(By.id("login-error"));
    waitUntil(() -> error.isDisplayed() && error.getText().contains("login code"));
    assertThat(error.getText()).contains("field: login_code");
    assertThat(browser.getCurrentUrl()).doesNotContain("login=");
    checkConsole();
  }

  @Test
  @Order(9)
  void theLiveViewFollowsAStreamHoldingRealtimeAndItsWattsInTheDark() throws Exception {
    browser.get(api.base + "/");
    logIn(operatorKey);
    waitUntil(() -> text(By.id("who")).contains("operator"));
    browser.findElement(By.id("nav-live")).click();
    waitFor(By.id("live-summary"));
    waitUntil(() -> text(By.id("view")).contains("No live stream is running."));
    // Dark, by the toggle; the view goes on following.
    browser.findElement(By.id("theme")).click();
    markPage();
    JsonObject live =
        new JsonObject()
            .put("name", "camera-1")
            .put(
                "input",
                new JsonObject()
                    .put("type", "live_synthetic")
                    .put("resolution", "160x120")
                    .put("fps", 30)
                    .put("duration_s", 10))
            .put(
                "output",
                new JsonObject()
                    .put("type", "rtmp")
                    .put("url", "rtmp://127.0.0.1:" + rtmpPort + "/live/ui"))
            .put(
                "video",
                new JsonObject()
                    .put("encoder", "libx264")
                    .put("preset", "veryfast")
                    .put("resolution", "160x120")
                    .put("fps", 30)
                    .put("gop", 30))
            .put("queue", "live")
            .put("measure", new JsonObject().put("realtime_window_s", 2));
    String job = submit(live.encode());
    try {
      By row = By.cssSelector("#streams tr[data-key='" + job + "']");
      waitUntil(
          () -> text(row).contains("holding realtime") && text(row).matches("(?s).*\\d\\.\\d W.*"),
          Duration.ofSeconds(60));
      assertThat(text(row)).contains("camera-1").contains("estimated");
      assertThat(text(By.id("live-summary"))).contains("1\nstreams");
      assertThat(pageMarked()).as("the page was not reloaded").isTrue();
      assertThat(browser.executeScript("return document.documentElement.dataset.theme"))
          .isEqualTo("dark");
      shot("live");
    } finally {
      cancel(job);
    }
    checkConsole();
  }

  // -----------------------------------------------------------------------------------------------

  private void logIn(String key) {
    WebElement input = waitFor(By.id("api-key"));
    waitUntil(input::isDisplayed);
    input.clear();
    input.sendKeys(key);
    browser.findElement(By.id("login-submit")).click();
  }

  private String submit(String spec) throws Exception {
    ApiFixture.Response r = api.post("/api/v1/jobs", api.tokens.get(Role.ADMIN), spec);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("job_id");
  }

  /** Cancels a job whatever the page did, so that the next test finds the slot free. */
  private void cancel(String job) throws Exception {
    api.post("/api/v1/jobs/" + job + "/cancel", api.tokens.get(Role.ADMIN), null);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      String now =
          api.get("/api/v1/jobs/" + job, api.tokens.get(Role.ADMIN)).json().getString("state");
      if (List.of("canceled", "succeeded", "failed").contains(now)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("job " + job + " did not end");
  }

  /** A job's state read from the database (for while the API is down). */
  private void waitForStoredState(String job, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (api.count(
              "SELECT count(*) FROM jobs WHERE id = '" + job + "' AND state = '" + state + "'")
          == 1) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("job " + job + " did not reach " + state);
  }

  private void waitForState(String job, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      String now =
          api.get("/api/v1/jobs/" + job, api.tokens.get(Role.ADMIN)).json().getString("state");
      if (now.equals(state)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("job " + job + " did not reach " + state);
  }

  private String session() {
    return (String) browser.executeScript("return sessionStorage.getItem('ffrtmp.session')");
  }

  private String cookies() {
    return (String) browser.executeScript("return document.cookie");
  }

  private void markPage() {
    browser.executeScript("window.__notReloaded = true");
  }

  private boolean pageMarked() {
    return Boolean.TRUE.equals(browser.executeScript("return window.__notReloaded === true"));
  }

  private String text(By by) {
    List<WebElement> found = browser.findElements(by);
    return found.isEmpty() ? "" : found.get(0).getText().trim();
  }

  private WebElement waitFor(By by) {
    try {
      return new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(d -> d.findElements(by).isEmpty() ? null : d.findElement(by));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw timedOut(e);
    }
  }

  private void waitUntil(java.util.function.BooleanSupplier condition) {
    waitUntil(condition, Duration.ofSeconds(30));
  }

  private void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout) {
    try {
      new WebDriverWait(browser, timeout)
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(d -> condition.getAsBoolean());
    } catch (org.openqa.selenium.TimeoutException e) {
      throw timedOut(e);
    }
  }

  /** What the page showed when a wait ran out: its address, its text and a screenshot. */
  private AssertionError timedOut(Exception e) {
    String name = "timeout-" + (++timeouts);
    try {
      shot(name);
    } catch (Exception ignored) {
      // the message still says what the page held
    }
    return new AssertionError(
        "timed out on "
            + browser.getCurrentUrl()
            + " (screenshot "
            + SHOTS.resolve(name + ".png")
            + "); the page said:\n"
            + text(By.tagName("body")),
        e);
  }

  private int timeouts;

  private void shot(String name) throws Exception {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name + ".png"), png);
  }

  /**
   * Every console line since the last check: a content security policy violation always fails; any
   * other error or warning fails unless the step expected it ({@link #allowed}).
   */
  private void checkConsole() {
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER).getAll()) {
      String line = e.getLevel() + " " + e.getMessage();
      boolean csp = line.contains("Content Security Policy") || line.contains("Refused to");
      boolean error = e.getLevel().intValue() >= Level.WARNING.intValue();
      if (csp || error && (allowed == null || !allowed.matcher(line).find())) {
        problems.add(line);
      }
    }
    allowed = null;
    assertThat(problems).as("console errors or CSP violations").isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return document.documentElement.lang"))
        .isEqualTo("en");
  }

  static {
    // Selenium's own chatter (CDP version notes) stays out of the test output.
    java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
  }
}

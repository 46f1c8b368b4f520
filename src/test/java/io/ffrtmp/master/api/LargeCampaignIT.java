package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ffrtmp.job.Campaign;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The largest campaign the master accepts, submitted while a job runs on a standalone node (default
 * options: the blocked-thread checker warns after 2 s on an event loop). Before the fix its
 * expansion held the event loop for about 25 s: the master declared its own worker lost, refused
 * the running job's result and answered nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeCampaignIT {

  /** A few seconds of 640x360 medium: it runs while the campaign is submitted. */
  static final String RUNNING =
      """
      {"input": {"type": "synthetic", "duration_s": 4, "resolution": "640x360", "fps": 30},
       "video": {"encoder": "libx264", "preset": "medium", "resolution": "640x360", "fps": 30},
       "measure": {"quality": [], "interval_ms": 200}}\
      """;

  @TempDir static Path dir;

  ApiFixture api;
  ListAppender<ILoggingEvent> warnings;
  Logger root;

  @BeforeAll
  void up() throws Exception {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    warnings = new ListAppender<>();
    warnings.start();
    root.addAppender(warnings);
    api = ApiFixture.standalone(dir, c -> c.withRate(100_000, 100_000));
  }

  @AfterAll
  void down() throws Exception {
    root.detachAppender(warnings);
    if (api != null) {
      api.close();
    }
  }

  private String admin() {
    return api.tokens.get(Role.ADMIN);
  }

  private static JsonArray range(int from, int count) {
    return new JsonArray(IntStream.range(from, from + count).boxed().toList());
  }

  /**
   * 100 GOPs x 10 poll intervals x 10 settle times: 10,000 distinct jobs sharing one encoding key
   * (the worst case).
   */
  static JsonObject largest() {
    return new JsonObject()
        .put("name", "largest")
        .put("idle_baseline_s", 0)
        .put(
            "base",
            new JsonObject(RUNNING.replace("\"duration_s\": 4", "\"duration_s\": 1"))
                .put("queue", "batch"))
        .put(
            "axes",
            new JsonObject()
                .put("video.gop", range(1, 100))
                .put("measure.interval_ms", range(100, 10))
                .put("measure.settle_max_s", range(10, 10)));
  }

  private JsonObject waitFor(String jobId, String... states) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject job = api.get("/api/v1/jobs/" + jobId, admin()).json();
      if (List.of(states).contains(job.getString("state"))) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + jobId + " never reached " + List.of(states));
  }

  private List<String> blockedWarnings() {
    synchronized (warnings.list) {
      return warnings.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("has been blocked"))
          .toList();
    }
  }

  @Test
  void theLargestCampaignLeavesHeartbeatsResultsAndListingsServed() throws Exception {
    ApiFixture.Response job = api.post("/api/v1/jobs", admin(), RUNNING);
    assertThat(job.status()).as(job.text()).isEqualTo(201);
    String jobId = job.json().getString("job_id");
    waitFor(jobId, "running");
    JsonObject node =
        api.get("/api/v1/nodes", admin()).json().getJsonArray("nodes").getJsonObject(0);
    String nodeId = node.getString("node_id");
    // Drained: the running job finishes, the campaign's jobs stay queued.
    assertThat(api.post("/api/v1/nodes/" + nodeId + "/drain", admin(), null).status())
        .isEqualTo(200);

    JsonObject campaign = largest();
    assertThat(Campaign.parse(campaign, "t").jobCount())
        .isEqualTo(ApiConfig.DEFAULT_MAX_CAMPAIGN_JOBS);
    CompletableFuture<HttpResponse<String>> submitted =
        api.http.sendAsync(
            api.request("/api/v1/campaigns", admin())
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(campaign.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // Listings answer while the campaign is expanded and inserted (the submit has not answered
    // yet).
    int answeredMeanwhile = 0;
    while (!submitted.isDone()) {
      ApiFixture.Response list = api.get("/api/v1/jobs?limit=5", api.tokens.get(Role.VIEWER));
      assertThat(list.status()).isEqualTo(200);
      if (!submitted.isDone()) {
        answeredMeanwhile++;
      }
    }
    HttpResponse<String> reply = submitted.get(5, TimeUnit.MINUTES);
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(201);
    assertThat(new JsonObject(reply.body()).getInteger("jobs")).isEqualTo(10_000);
    assertThat(answeredMeanwhile)
        .as("job listings answered while the campaign was submitted")
        .isPositive();

    // The running job's result was accepted: its worker kept its lease (heartbeats went through).
    JsonObject done = waitFor(jobId, "succeeded", "failed", "queued");
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    assertThat(
            done.getJsonArray("events").stream()
                .map(e -> ((JsonObject) e).getString("to"))
                .toList())
        .containsExactly("queued", "leased", "running", "succeeded");
    // Neither lost nor back up: the drain held.
    JsonObject after = api.get("/api/v1/nodes/" + nodeId, admin()).json();
    assertThat(after.getString("state")).as(after.encodePrettily()).isEqualTo("draining");
    String campaignId = new JsonObject(reply.body()).getString("campaign_id");
    assertThat(api.count("SELECT count(*) FROM jobs WHERE campaign_id = '" + campaignId + "'"))
        .isEqualTo(10_000);
    assertThat(blockedWarnings()).as("blocked-thread warnings").isEmpty();
    api.post("/api/v1/campaigns/" + campaignId + "/cancel", admin(), null);
  }

  @Test
  void aCampaignOverTheLimitIsRefusedNamingIt() throws Exception {
    JsonObject campaign = largest().put("repeat", 2);
    ApiFixture.Response r = api.post("/api/v1/campaigns", admin(), campaign.encode());
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.field()).isEqualTo("axes");
    assertThat(r.json().getJsonObject("error").getString("message"))
        .contains("expands to 20000 jobs")
        .contains("at most 10000 jobs per campaign");
  }
}

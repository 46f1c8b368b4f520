package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cli.client.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API as users reach it: HTTPS on a standalone node (master and worker, real FFmpeg on tiny
 * clips, embedded PostgreSQL), every route with every role, forged and expired tokens, and the
 * worker reached through cancel and retry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerIT {

  /** A job that takes about a second: 5 frames of 160x90, no quality pass. */
  static final String TINY =
      """
      {"input": {"type": "synthetic", "duration_s": 0.5, "resolution": "160x90", "fps": 10},
       "video": {"encoder": "libx264", "preset": "ultrafast", "resolution": "160x90", "fps": 10},
       "measure": {"quality": [], "interval_ms": 100}}\
      """;

  /** Minutes of veryslow 1080p on a small machine: long enough to be canceled while it runs. */
  static final String SLOW =
      """
      {"name": "slow", "input": {"type": "synthetic", "duration_s": 120, "resolution": "1920x1080", "fps": 30},
       "video": {"encoder": "libx264", "preset": "veryslow", "resolution": "1920x1080", "fps": 30},
       "measure": {"quality": [], "interval_ms": 200}}\
      """;

  @TempDir static Path dir;

  ApiFixture api;

  @BeforeAll
  void up() throws Exception {
    api = ApiFixture.standalone(dir, c -> c);
  }

  @AfterAll
  void down() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private String admin() {
    return api.tokens.get(Role.ADMIN);
  }

  private String submit(String spec) throws Exception {
    ApiFixture.Response r = api.post("/api/v1/jobs", admin(), spec);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("job_id");
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

  @Test
  void aSubmittedJobRunsAndItsResultLogsAndPowerTraceAreServed() throws Exception {
    String id = submit(TINY);
    JsonObject job = waitFor(id, "succeeded", "failed");
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    assertThat(job.getString("campaign_id")).isNull();
    assertThat(
            job.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("to")).toList())
        .containsExactly("queued", "leased", "running", "succeeded");
    assertThat(job.getJsonObject("result").getLong("frames")).isEqualTo(5);
    assertThat(job.getJsonObject("result").getJsonObject("energy").containsKey("trace")).isFalse();

    JsonObject logs = api.get("/api/v1/jobs/" + id + "/logs", api.tokens.get(Role.VIEWER)).json();
    assertThat(logs.getString("stderr_tail")).contains("libx264");
    assertThat(logs.getJsonArray("command").getString(0)).isEqualTo("ffmpeg");
    assertThat(logs.getInteger("exit_code")).isZero();

    JsonObject power = api.get("/api/v1/jobs/" + id + "/power", api.tokens.get(Role.VIEWER)).json();
    assertThat(power.getJsonObject("energy").getString("provenance")).isEqualTo("estimated");
    assertThat(power.getJsonArray("trace")).isNotEmpty();
    assertThat(power.getJsonArray("trace").getJsonObject(0).getDouble("watts")).isPositive();
  }

  @Test
  void stateChangesAndProgressReachAnEventStreamWithoutPolling() throws Exception {
    String id =
        submit(
            SLOW.replace("\"duration_s\": 120", "\"duration_s\": 3")
                .replace("veryslow", "medium")
                .replace("1920x1080", "640x360"));
    List<ApiClient.Event> seen = new ArrayList<>();
    api.client(Role.VIEWER)
        .events(
            "api/v1/jobs/" + id + "/events",
            e -> {
              seen.add(e);
              return true; // the server ends the stream when the job is final
            });
    List<String> names = seen.stream().map(ApiClient.Event::name).toList();
    assertThat(names.get(0)).isEqualTo("job");
    assertThat(
            seen.get(seen.size() - 1)
                .data()
                .getString(seen.get(seen.size() - 1).name().equals("job") ? "state" : "to"))
        .isEqualTo("succeeded");
    if (!seen.get(0).data().getString("state").equals("succeeded")) {
      assertThat(names).contains("state");
    }
    assertThat(
            seen.stream()
                .filter(e -> e.name().equals("progress"))
                .allMatch(e -> id.equals(e.data().getString("job_id"))))
        .isTrue();
  }

  @Test
  void cancelStopsARunningJobThroughItsWorkerAndRetryQueuesItAgain() throws Exception {
    String slow = submit(SLOW);
    waitFor(slow, "running");
    String queued = submit(TINY); // the worker is busy: this one waits
    assertThat(api.get("/api/v1/jobs/" + queued, admin()).json().getString("state"))
        .isEqualTo("queued");

    ApiFixture.Response c1 =
        api.post("/api/v1/jobs/" + queued + "/cancel", api.tokens.get(Role.OPERATOR), null);
    assertThat(c1.status()).isEqualTo(200);
    assertThat(c1.json().getString("state")).isEqualTo("canceled");
    assertThat(
            api.count(
                "SELECT count(*) FROM jobs WHERE state = 'canceled' AND id = '" + queued + "'"))
        .isEqualTo(1);

    ApiFixture.Response c2 =
        api.post("/api/v1/jobs/" + slow + "/cancel", api.tokens.get(Role.OPERATOR), null);
    assertThat(c2.status()).as(c2.text()).isEqualTo(202);
    assertThat(waitFor(slow, "canceled", "failed", "succeeded").getString("state"))
        .isEqualTo("canceled");

    ApiFixture.Response again =
        api.post("/api/v1/jobs/" + slow + "/cancel", api.tokens.get(Role.OPERATOR), null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.field()).isEqualTo("job_id");

    ApiFixture.Response r =
        api.post("/api/v1/jobs/" + queued + "/retry", api.tokens.get(Role.OPERATOR), null);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(waitFor(queued, "succeeded", "failed").getString("state")).isEqualTo("succeeded");
    assertThat(
            api.post("/api/v1/jobs/" + queued + "/retry", api.tokens.get(Role.OPERATOR), null)
                .status())
        .isEqualTo(409);
  }

  @Test
  void everyRouteAnswersEachRoleAsDue() throws Exception {
    String job = submit(TINY);
    waitFor(job, "succeeded", "failed");
    String campaignBody =
        new JsonObject()
            .put("name", "api-test")
            .put("base", new JsonObject(TINY))
            .put("configurations", new JsonArray().add(new JsonObject()))
            .put("idle_baseline_s", 0)
            .encode();
    ApiFixture.Response camp = api.post("/api/v1/campaigns", admin(), campaignBody);
    assertThat(camp.status()).as(camp.text()).isEqualTo(201);
    String campaign = camp.json().getString("campaign_id");
    await(
        api.nodes.register(
            new JsonObject()
                .put("node_id", "node-a")
                .put("instance_id", UUID.randomUUID().toString())
                .put("host", "a.example"),
            Duration.ofMinutes(1)),
        30);
    String randomKey = UUID.randomUUID().toString();

    record Case(String method, String path, String body, int viewer, int operator, int admin) {}
    List<Case> cases =
        List.of(
            new Case("GET", "/api/v1/jobs", null, 200, 200, 200),
            new Case("GET", "/api/v1/jobs?state=succeeded&limit=5", null, 200, 200, 200),
            new Case("POST", "/api/v1/jobs", TINY, 403, 201, 201),
            new Case("GET", "/api/v1/jobs/" + job, null, 200, 200, 200),
            new Case("POST", "/api/v1/jobs/" + job + "/cancel", null, 403, 409, 409),
            new Case("POST", "/api/v1/jobs/" + job + "/retry", null, 403, 409, 409),
            new Case("GET", "/api/v1/jobs/" + job + "/logs", null, 200, 200, 200),
            new Case("GET", "/api/v1/jobs/" + job + "/power", null, 200, 200, 200),
            new Case("GET", "/api/v1/jobs/" + job + "/events", null, 200, 200, 200),
            new Case("GET", "/api/v1/jobs/" + UUID.randomUUID(), null, 404, 404, 404),
            new Case("GET", "/api/v1/events", null, 200, 200, 200),
            new Case("POST", "/api/v1/campaigns", campaignBody, 403, 201, 201),
            new Case("GET", "/api/v1/campaigns", null, 200, 200, 200),
            new Case("GET", "/api/v1/campaigns/" + campaign, null, 200, 200, 200),
            new Case("GET", "/api/v1/campaigns/" + campaign + "/results", null, 200, 200, 200),
            new Case(
                "GET", "/api/v1/campaigns/" + campaign + "/report?format=csv", null, 200, 200, 200),
            new Case(
                "GET",
                "/api/v1/campaigns/" + campaign + "/recommendation?target=psnr%3D30",
                null,
                200,
                200,
                200),
            new Case(
                "POST", "/api/v1/campaigns/" + UUID.randomUUID() + "/cancel", null, 403, 404, 404),
            new Case("GET", "/api/v1/nodes", null, 200, 200, 200),
            new Case("GET", "/api/v1/nodes/node-a", null, 200, 200, 200),
            new Case("POST", "/api/v1/nodes/node-a/drain", null, 403, 200, 200),
            new Case("POST", "/api/v1/nodes/node-a/resume", null, 403, 200, 200),
            new Case("GET", "/api/v1/nodes/no-such-node", null, 404, 404, 404),
            new Case("POST", "/api/v1/tokens", "{\"role\": \"viewer\"}", 403, 403, 201),
            new Case("GET", "/api/v1/keys", null, 403, 403, 200),
            new Case(
                "POST",
                "/api/v1/keys",
                "{\"role\": \"viewer\", \"name\": \"someone\"}",
                403,
                403,
                201),
            new Case("DELETE", "/api/v1/keys/" + randomKey, null, 403, 403, 404),
            new Case("GET", "/api/v1/openapi.json", null, 200, 200, 200));
    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      int[] expected = {401, c.viewer(), c.operator(), c.admin()};
      String[] tokens = {null, api.tokens.get(Role.VIEWER), api.tokens.get(Role.OPERATOR), admin()};
      for (int i = 0; i < 4; i++) {
        int status = call(c.method(), c.path(), tokens[i], c.body());
        if (status != expected[i]) {
          wrong.add(
              c.method()
                  + " "
                  + c.path()
                  + " as "
                  + (i == 0 ? "nobody" : Role.values()[i - 1].id())
                  + ": "
                  + status
                  + ", expected "
                  + expected[i]);
        }
      }
    }
    assertThat(wrong).isEmpty();
    // Probes stay open by default.
    assertThat(call("GET", "/health", null, null)).isEqualTo(200);
    assertThat(call("GET", "/ready", null, null)).isEqualTo(200);
    assertThat(api.get("/metrics", null).text()).contains("ffrtmp_jobs{state=\"succeeded\"}");
    assertThat(api.get("/api/v1/nodes/node-a", admin()).json().getString("state")).isEqualTo("up");
  }

  private int call(String method, String path, String token, String body) throws Exception {
    if (path.endsWith("/events")) {
      return api.statusOnly(path, token);
    }
    return switch (method) {
      case "GET" -> api.get(path, token).status();
      case "POST" -> api.post(path, token, body).status();
      default -> api.delete(path, token).status();
    };
  }

  @Test
  void forgedExpiredAndMalformedTokensAre401() throws Exception {
    JWTAuth other = new Tokens(api.vertx, "another secret, not this server's".getBytes()).auth();
    String forged =
        other.generateToken(
            new JsonObject().put("role", "admin"),
            new JWTOptions()
                .setIssuer(Tokens.ISSUER)
                .addAudience(Tokens.AUDIENCE)
                .setSubject("mallory"));
    byte[] secret =
        Base64.getDecoder()
            .decode(
                Files.readString(api.dataDir.resolve("api").resolve(ApiSecrets.JWT_SECRET)).trim());
    JWTAuth ours = new Tokens(api.vertx, secret).auth();
    long past = System.currentTimeMillis() / 1000 - 3600;
    String expired =
        ours.generateToken(
            new JsonObject().put("role", "admin").put("exp", past).put("iat", past - 60),
            new JWTOptions()
                .setIssuer(Tokens.ISSUER)
                .addAudience(Tokens.AUDIENCE)
                .setSubject("late"));
    String noRole =
        ours.generateToken(
            new JsonObject(),
            new JWTOptions()
                .setIssuer(Tokens.ISSUER)
                .addAudience(Tokens.AUDIENCE)
                .setSubject("nobody"));
    for (String t :
        List.of(
            forged, expired, "not.a.jwt", admin().substring(0, admin().length() - 4) + "AAAA")) {
      ApiFixture.Response r = api.get("/api/v1/jobs", t);
      assertThat(r.status()).as(t).isEqualTo(401);
      assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
    }
    assertThat(api.get("/api/v1/jobs", noRole).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/jobs", admin()).status())
        .isEqualTo(200); // our own token, for contrast
    ApiFixture.Response badKey = api.post("/api/v1/tokens", null, "{\"api_key\": \"ffk_guess\"}");
    assertThat(badKey.status()).isEqualTo(401);
    assertThat(badKey.field()).isEqualTo("api_key");
  }

  private JsonObject waitForCampaign(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject c = api.get("/api/v1/campaigns/" + id, admin()).json();
      if (Boolean.TRUE.equals(c.getBoolean("done"))) {
        return c;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("campaign " + id + " never finished");
  }

  /**
   * A recommendation over a stored campaign: the answer, and a 400 naming the parameter for an
   * unknown metric, a target out of range, a baseline the campaign lacks and a bad currency; a
   * campaign whose baseline names nothing in it is refused at submission.
   */
  @Test
  void aStoredCampaignIsRecommendedFromAndBadQuestionsAre400() throws Exception {
    JsonObject tinyWithPsnr = new JsonObject(TINY);
    tinyWithPsnr.getJsonObject("measure").put("quality", new JsonArray().add("psnr"));
    JsonObject campaign =
        new JsonObject()
            .put("name", "recommend-test")
            .put("base", tinyWithPsnr)
            .put(
                "configurations",
                new JsonArray()
                    .add(new JsonObject().put("video", new JsonObject().put("crf", 18)))
                    .add(new JsonObject().put("video", new JsonObject().put("crf", 40))))
            .put("idle_baseline_s", 0)
            .put("baseline", "libx264 ultrafast crf18 160x90p10")
            .put("cost", new JsonObject().put("price_per_kwh", 0.3).put("currency", "EUR"));
    ApiFixture.Response bad =
        api.post("/api/v1/campaigns", admin(), campaign.copy().put("baseline", "libx265").encode());
    assertThat(bad.status()).as(bad.text()).isEqualTo(400);
    assertThat(bad.json().getJsonObject("error").getString("field")).isEqualTo("baseline");

    ApiFixture.Response camp = api.post("/api/v1/campaigns", admin(), campaign.encode());
    assertThat(camp.status()).as(camp.text()).isEqualTo(201);
    String id = camp.json().getString("campaign_id");
    waitForCampaign(id);
    String base = "/api/v1/campaigns/" + id + "/recommendation?target=";

    ApiFixture.Response r = api.get(base + "psnr%3D20", api.tokens.get(Role.VIEWER));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonObject answer = r.json();
    assertThat(answer.getString("campaign_id")).isEqualTo(id);
    assertThat(answer.getInteger("qualifying")).isEqualTo(2);
    // CRF 40 spends less of everything on 5 frames of 160x90; whichever is cheaper is named, the
    // other is the runner-up, and the baseline is compared.
    assertThat(answer.getJsonObject("chosen").getString("config_key")).startsWith("libx264");
    assertThat(answer.getJsonObject("runner_up")).isNotNull();
    assertThat(answer.getJsonObject("cost").getString("currency")).isEqualTo("EUR");
    assertThat(answer.getString("text"))
        .startsWith("At PSNR ≥ 20.0 dB (160x90p10, synthetic testsrc2): cheapest is libx264")
        .contains("(single runs: not tested)")
        .contains("0.3 EUR/kWh");

    record Bad(String query, String field) {}
    for (Bad b :
        List.of(
            new Bad("vmav%3D90", "target"),
            new Bad("psnr%3D200", "target"),
            new Bad("psnr%3D30&baseline=libx265", "baseline"),
            new Bad("psnr%3D30&currency=eur", "currency"),
            new Bad("psnr%3D30&pue=9", "pue"))) {
      ApiFixture.Response e = api.get(base + b.query(), admin());
      assertThat(e.status()).as(b.query() + ": " + e.text()).isEqualTo(400);
      assertThat(e.json().getJsonObject("error").getString("field"))
          .as(b.query() + ": " + e.text())
          .isEqualTo(b.field());
    }
    assertThat(api.get("/api/v1/campaigns/" + id + "/recommendation", admin()).status())
        .isEqualTo(400);
    assertThat(
            api.get(
                    "/api/v1/campaigns/" + UUID.randomUUID() + "/recommendation?target=psnr%3D30",
                    admin())
                .status())
        .isEqualTo(404);
  }
}

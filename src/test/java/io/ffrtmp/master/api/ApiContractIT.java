package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live server's answers against the OpenAPI document it serves: every route, its successes and
 * its usual errors; each answer's status must be documented for its operation, its content type
 * named there, and its body valid against the documented schema (vertx-openapi's response
 * validator).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiContractIT {

  @TempDir static Path dir;

  ApiFixture api;
  JsonObject document;
  ResponseValidator validator;
  final List<String> problems = new ArrayList<>();
  final Set<String> seen = new LinkedHashSet<>();

  @BeforeAll
  void up() throws Exception {
    api = ApiFixture.standalone(dir, c -> c);
    document = api.get("/api/v1/openapi.json", api.tokens.get(Role.VIEWER)).json();
    // The whole served document, the routes served by hand included.
    OpenAPIContract contract =
        await(OpenAPIContract.from(api.vertx, ApiContract.validatable(document)), 30);
    validator = ResponseValidator.create(api.vertx, contract);
  }

  @AfterAll
  void down() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void everyAnswerIsDocumentedAndMatchesItsSchema() throws Exception {
    String admin = api.tokens.get(Role.ADMIN);
    String operator = api.tokens.get(Role.OPERATOR);
    String viewer = api.tokens.get(Role.VIEWER);

    ApiFixture.Response submitted =
        check("submitJob", api.post("/api/v1/jobs", operator, ApiServerIT.TINY));
    String job = submitted.json().getString("job_id");
    check("submitJob", api.post("/api/v1/jobs", operator, "{\"input\": {}}"));
    check("submitJob", api.post("/api/v1/jobs", operator, "{not json"));
    check("submitJob", api.post("/api/v1/jobs", viewer, ApiServerIT.TINY));
    check("submitJob", api.post("/api/v1/jobs", null, ApiServerIT.TINY));
    check(
        "submitJob",
        api.post("/api/v1/jobs", operator, "{\"name\": \"" + "x".repeat(2 << 20) + "\"}"));
    waitFor(job, "succeeded", "failed");

    check("listJobs", api.get("/api/v1/jobs", viewer));
    check("listJobs", api.get("/api/v1/jobs?state=succeeded&limit=1", viewer));
    check("listJobs", api.get("/api/v1/jobs?limit=0", viewer));
    check("listJobs", api.get("/api/v1/jobs?cursor=bm9wZQ", viewer));
    check("getJob", api.get("/api/v1/jobs/" + job, viewer));
    check("getJob", api.get("/api/v1/jobs/" + UUID.randomUUID(), viewer));
    check("getJob", api.get("/api/v1/jobs/not-a-uuid", viewer));
    check("getJob", api.get("/api/v1/jobs/" + job, "not.a.token"));
    check("jobLogs", api.get("/api/v1/jobs/" + job + "/logs", viewer));
    check("jobLogs", api.get("/api/v1/jobs/" + UUID.randomUUID() + "/logs", viewer));
    check("jobPower", api.get("/api/v1/jobs/" + job + "/power", viewer));
    check("jobPower", api.get("/api/v1/jobs/" + UUID.randomUUID() + "/power", viewer));
    check("cancelJob", api.post("/api/v1/jobs/" + job + "/cancel", operator, null));
    check("cancelJob", api.post("/api/v1/jobs/" + job + "/cancel", viewer, null));
    check("cancelJob", api.post("/api/v1/jobs/" + UUID.randomUUID() + "/cancel", operator, null));
    check("retryJob", api.post("/api/v1/jobs/" + job + "/retry", operator, null));
    check("retryJob", api.post("/api/v1/jobs/" + UUID.randomUUID() + "/retry", operator, null));

    // A long job: canceled while queued or running (200 or 202), retried (200), canceled again.
    String slow =
        check("submitJob", api.post("/api/v1/jobs", operator, ApiServerIT.SLOW))
            .json()
            .getString("job_id");
    check("cancelJob", api.post("/api/v1/jobs/" + slow + "/cancel", operator, null));
    waitFor(slow, "canceled");
    check("retryJob", api.post("/api/v1/jobs/" + slow + "/retry", operator, null));
    check("cancelJob", api.post("/api/v1/jobs/" + slow + "/cancel", operator, null));
    check("jobLogs", api.get("/api/v1/jobs/" + slow + "/logs", viewer));
    check("jobPower", api.get("/api/v1/jobs/" + slow + "/power", viewer));

    checkStream("jobEvents", "/api/v1/jobs/" + job + "/events", viewer);
    checkStream("events", "/api/v1/events", viewer);
    check("jobEvents", api.get("/api/v1/jobs/" + UUID.randomUUID() + "/events", viewer));
    check("events", api.get("/api/v1/events", null));

    String campaignBody =
        new JsonObject()
            .put("name", "contract")
            .put("base", new JsonObject(ApiServerIT.TINY))
            .put("configurations", new JsonArray().add(new JsonObject()))
            .put("idle_baseline_s", 0)
            .encode();
    String campaign =
        check("submitCampaign", api.post("/api/v1/campaigns", operator, campaignBody))
            .json()
            .getString("campaign_id");
    check("submitCampaign", api.post("/api/v1/campaigns", operator, "{\"name\": \"no base\"}"));
    check("submitCampaign", api.post("/api/v1/campaigns", viewer, campaignBody));
    waitForCampaign(campaign);
    check("listCampaigns", api.get("/api/v1/campaigns", viewer));
    check("listCampaigns", api.get("/api/v1/campaigns?limit=9999", viewer));
    check("getCampaign", api.get("/api/v1/campaigns/" + campaign, viewer));
    check("getCampaign", api.get("/api/v1/campaigns/" + UUID.randomUUID(), viewer));
    check("campaignResults", api.get("/api/v1/campaigns/" + campaign + "/results", viewer));
    check(
        "campaignResults", api.get("/api/v1/campaigns/" + UUID.randomUUID() + "/results", viewer));
    for (String format : new String[] {"json", "csv", "html"}) {
      check(
          "campaignReport",
          api.get("/api/v1/campaigns/" + campaign + "/report?format=" + format, viewer));
    }
    check(
        "campaignReport", api.get("/api/v1/campaigns/" + campaign + "/report?format=pdf", viewer));
    check("campaignReport", api.get("/api/v1/campaigns/" + UUID.randomUUID() + "/report", viewer));
    String recommendation = "/api/v1/campaigns/" + campaign + "/recommendation?target=";
    check("campaignRecommendation", api.get(recommendation + "psnr%3D20", viewer));
    check("campaignRecommendation", api.get(recommendation + "vmav%3D90", viewer));
    check("campaignRecommendation", api.get(recommendation + "psnr%3D20&pue=9", viewer));
    check(
        "campaignRecommendation",
        api.get(
            "/api/v1/campaigns/" + UUID.randomUUID() + "/recommendation?target=psnr%3D20", viewer));
    densityOf(campaign, viewer);
    check("cancelCampaign", api.post("/api/v1/campaigns/" + campaign + "/cancel", operator, null));
    check(
        "cancelCampaign",
        api.post("/api/v1/campaigns/" + UUID.randomUUID() + "/cancel", operator, null));
    check("cancelCampaign", api.post("/api/v1/campaigns/" + campaign + "/cancel", viewer, null));

    String node =
        check("listNodes", api.get("/api/v1/nodes", viewer))
            .json()
            .getJsonArray("nodes")
            .getJsonObject(0)
            .getString("node_id");
    check("getNode", api.get("/api/v1/nodes/" + node, viewer));
    check("getNode", api.get("/api/v1/nodes/no-such-node", viewer));
    check("getNode", api.get("/api/v1/nodes/bad%20id", viewer));
    check("drainNode", api.post("/api/v1/nodes/" + node + "/drain", operator, null));
    check("drainNode", api.post("/api/v1/nodes/no-such-node/drain", operator, null));
    check("drainNode", api.post("/api/v1/nodes/" + node + "/drain", viewer, null));
    check("resumeNode", api.post("/api/v1/nodes/" + node + "/resume", operator, null));
    check("resumeNode", api.post("/api/v1/nodes/no-such-node/resume", operator, null));

    check("createToken", api.post("/api/v1/tokens", admin, "{\"role\": \"viewer\"}"));
    check("createToken", api.post("/api/v1/tokens", admin, "{}"));
    check("createToken", api.post("/api/v1/tokens", viewer, "{\"role\": \"viewer\"}"));
    check("createToken", api.post("/api/v1/tokens", null, "{\"api_key\": \"ffk_unknown\"}"));
    check("createToken", api.post("/api/v1/tokens", null, "{\"api_key\": 5}"));
    check("listKeys", api.get("/api/v1/keys", admin));
    check("listKeys", api.get("/api/v1/keys", operator));
    String code =
        check("createLoginLink", api.post("/api/v1/login-links", viewer, null))
            .json()
            .getString("code");
    check("createLoginLink", api.post("/api/v1/login-links", null, null));
    String exchange = new JsonObject().put("login_code", code).encode();
    check("createToken", api.post("/api/v1/tokens", null, exchange));
    check("createToken", api.post("/api/v1/tokens", null, exchange));
    String key =
        check(
                "createKey",
                api.post("/api/v1/keys", admin, "{\"role\": \"viewer\", \"name\": \"gone soon\"}"))
            .json()
            .getString("key_id");
    check("createKey", api.post("/api/v1/keys", admin, "{\"role\": \"king\", \"name\": \"x\"}"));
    check(
        "createKey", api.post("/api/v1/keys", operator, "{\"role\": \"viewer\", \"name\": \"x\"}"));
    check("revokeKey", api.delete("/api/v1/keys/" + key, admin));
    check("revokeKey", api.delete("/api/v1/keys/" + key, admin));
    check("revokeKey", api.delete("/api/v1/keys/not-a-uuid", admin));
    check("listKeys", api.get("/api/v1/keys", admin));

    check("health", api.get("/health", viewer));
    check("ready", api.get("/ready", viewer));
    check("metrics", api.get("/metrics", viewer));
    check("metricsTargets", api.get("/metrics/targets", viewer));
    check("openapi", api.get("/api/v1/openapi.json", viewer));
    check("openapi", api.get("/api/v1/openapi.json", null));

    assertThat(problems).isEmpty();
    // Every operation of the document was reached, and answered with success at least once.
    List<String> unreached = new ArrayList<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        String id = paths.getJsonObject(path).getJsonObject(method).getString("operationId");
        if (seen.stream().noneMatch(s -> s.startsWith(id + " 2"))) {
          unreached.add(id);
        }
      }
    }
    assertThat(unreached)
        .as("operations without a success answer checked; seen: %s", seen)
        .isEmpty();
    assertThat(seen)
        .contains(
            "cancelJob 409",
            "getJob 404",
            "getJob 400",
            "submitJob 401",
            "submitJob 403",
            "submitJob 413",
            "retryJob 200",
            "revokeKey 404",
            "createLoginLink 201",
            "createLoginLink 401",
            "createToken 401");
  }

  /**
   * Checks one answer against the operation's documented responses; returns it for the test to go
   * on.
   */
  private ApiFixture.Response check(String operationId, ApiFixture.Response r) throws Exception {
    String type = r.headers().firstValue("content-type").orElse(null);
    String label = operationId + " " + r.status();
    seen.add(label);
    JsonObject response = documented(operationId, r.status());
    if (response == null) {
      problems.add(label + ": status not documented; body " + abbreviated(r.text()));
      return r;
    }
    JsonObject content = response.getJsonObject("content");
    String bare = type == null ? null : type.split(";")[0].trim();
    if (content == null || bare == null || !content.containsKey(bare)) {
      Object named = content == null ? "none" : content.fieldNames();
      problems.add(label + ": content type " + type + " not documented (" + named + ")");
      return r;
    }
    // JSON bodies against their schema; text ones (metrics, CSV, HTML, event streams) are
    // documented as strings, which
    // vertx-openapi 5.0 cannot check (its text/plain analyser hands the validator a buffer).
    if (bare.equals(MediaType.APPLICATION_JSON)) {
      try {
        // The bare type: the validator's content analysers do not take parameters (charset,
        // version).
        ValidatableResponse answer =
            ValidatableResponse.create(r.status(), Buffer.buffer(r.text()), bare);
        await(validator.validate(answer, operationId), 30);
      } catch (Exception e) {
        Throwable t =
            e instanceof SchemaValidationException ? e : e.getCause() == null ? e : e.getCause();
        String detail =
            t instanceof SchemaValidationException s && s.getOutputUnit() != null
                ? s.getOutputUnit().toJson().encode()
                : String.valueOf(t.getMessage());
        problems.add(
            label
                + ": body does not match the schema: "
                + abbreviated(detail)
                + "; body "
                + abbreviated(r.text()));
      }
    }
    return r;
  }

  /**
   * An event stream: status and content type from its headers, then closed (streams do not end by
   * themselves).
   */
  private void checkStream(String operationId, String path, String token) throws Exception {
    HttpResponse<InputStream> res =
        api.http.send(
            api.request(path, token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    res.body().close();
    check(operationId, new ApiFixture.Response(res.statusCode(), "", res.headers()));
  }

  private JsonObject documented(String operationId, int status) {
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        JsonObject op = paths.getJsonObject(path).getJsonObject(method);
        if (operationId.equals(op.getString("operationId"))) {
          JsonObject r = op.getJsonObject("responses").getJsonObject(Integer.toString(status));
          if (r != null && r.containsKey("$ref")) {
            String name = r.getString("$ref").substring("#/components/responses/".length());
            return document
                .getJsonObject("components")
                .getJsonObject("responses")
                .getJsonObject(name);
          }
          return r;
        }
      }
    }
    throw new AssertionError("no operation " + operationId + " in the document");
  }

  private void waitFor(String jobId, String... states) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      String state =
          api.get("/api/v1/jobs/" + jobId, api.tokens.get(Role.VIEWER)).json().getString("state");
      if (List.of(states).contains(state)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + jobId + " never reached " + List.of(states));
  }

  /**
   * A density summary stored with a campaign (as the bench stores it when its ramp ends) is in the
   * campaign's view, its JSON report and its HTML report, where it is drawn.
   */
  private void densityOf(String campaign, String viewer) throws Exception {
    JsonObject step =
        io.ffrtmp.analysis.DensityReport.step(
            1,
            1,
            java.util.List.of(
                new JsonObject()
                    .put("state", "succeeded")
                    .put("frames", 120)
                    .put(
                        "live",
                        new JsonObject()
                            .put("holds_realtime", true)
                            .put("min_window_speed", 1.001)
                            .put("watts_per_stream", 2.5))
                    .put(
                        "energy",
                        new JsonObject()
                            .put("total_joules", 10.0)
                            .put("provenance", "estimated")
                            .put("source", "estimated: cpu-utilisation model"))));
    JsonObject density =
        new JsonObject()
            .put("start", 1)
            .put("max", 1)
            .put("window_s", 4)
            .put("schedule", "double-then-bisect")
            .put("rule", "a step of N streams holds when all N hold realtime")
            .put("largest_n", 1)
            .put("complete", true)
            .put("steps", new JsonArray().add(step));
    await(api.store.setCampaignDensity(UUID.fromString(campaign), density), 30);
    JsonObject view = check("getCampaign", api.get("/api/v1/campaigns/" + campaign, viewer)).json();
    assertThat(view.getJsonObject("density").getInteger("largest_n")).isEqualTo(1);
    JsonObject report =
        check("campaignReport", api.get("/api/v1/campaigns/" + campaign + "/report", viewer))
            .json();
    assertThat(report.getJsonObject("density").getJsonArray("steps")).hasSize(1);
    String html =
        check(
                "campaignReport",
                api.get("/api/v1/campaigns/" + campaign + "/report?format=html", viewer))
            .text();
    assertThat(html).contains("<h2>Live density</h2>").contains("<svg");
  }

  private void waitForCampaign(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (api.get("/api/v1/campaigns/" + id, api.tokens.get(Role.VIEWER))
          .json()
          .getBoolean("done", false)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("campaign " + id + " never finished");
  }

  private static String abbreviated(String text) {
    return text.length() > 600 ? text.substring(0, 600) + "..." : text;
  }
}

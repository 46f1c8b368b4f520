package io.ffrtmp.cluster;

import static io.ffrtmp.cluster.ClusterHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cli.client.PinnedTrust;
import io.ffrtmp.support.Scrape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker of a small cluster (master and worker as processes of the fat jar) serves {@code
 * /metrics} on its own plain HTTP port behind its {@code --metrics-token-file}, says where at
 * start-up, and its scrape has the JVM's, the event bus's and its work families with bounded
 * labels; a running job's progress appears by slot and goes when it ends; the master's service
 * discovery lists the worker's endpoint, which a scrape then reaches.
 */
class WorkerMetricsIT {

  static ClusterHarness h;
  static ClusterHarness.Node worker;
  static int port;
  static String token;
  static String masterApi;
  static HttpClient masterHttp;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Minutes of veryslow 1080p: long enough to be seen running, then canceled. */
  static final String SLOW =
      """
      {"name": "slow", "input": {"type": "synthetic", "duration_s": 120, "resolution": "1920x1080", "fps": 30},
       "video": {"encoder": "libx264", "preset": "veryslow", "resolution": "1920x1080", "fps": 30},
       "measure": {"quality": []}}\
      """;

  @BeforeAll
  static void cluster() throws Exception {
    h = new ClusterHarness(Files.createTempDirectory("ffrtmp-metrics"));
    h.startDatabase();
    h.master("master-1");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    token = "scrape-" + UUID.randomUUID();
    Path tokenFile = Files.writeString(h.dir.resolve("metrics.token"), token + "\n");
    worker =
        h.worker(
            "worker-m",
            "--metrics-port",
            String.valueOf(port),
            "--metrics-token-file",
            tokenFile.toString(),
            "--label",
            "site=lab-1");
    String out = Files.readString(h.dir.resolve("master-1.out"), StandardCharsets.UTF_8);
    Matcher api = Pattern.compile("metrics at (https://[^ ]+)/metrics").matcher(out);
    Matcher cert = Pattern.compile("certificate: (\\S+)").matcher(out);
    assertThat(api.find() && cert.find()).as(out).isTrue();
    masterApi = api.group(1);
    masterHttp =
        HttpClient.newBuilder()
            .sslContext(PinnedTrust.pinned(Path.of(cert.group(1))))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void down() {
    if (h != null) {
      h.close();
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return get("http://127.0.0.1:" + port + path, token);
  }

  static HttpResponse<String> get(String url, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (bearer != null) {
      b.header("authorization", "Bearer " + bearer);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> master(String method, String path, String bearer, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(masterApi + path))
            .timeout(Duration.ofSeconds(30))
            .header("content-type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("authorization", "Bearer " + bearer);
    }
    return masterHttp.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An admin token of the master, from the admin key its first start made. */
  static String adminToken() throws Exception {
    String key =
        Files.readString(h.dir.resolve("master-1").resolve("api").resolve("admin.key")).trim();
    HttpResponse<String> r =
        master("POST", "/api/v1/tokens", null, new JsonObject().put("api_key", key).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("token");
  }

  /** The value of one series (name and labels as the scrape writes them); NaN when absent. */
  static double value(String text, String series) {
    return text.lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  /** Once the worker has sent heartbeats, which the event-bus meters count by address. */
  static Scrape scrape() throws Exception {
    String[] text = {""};
    waitFor(
        Duration.ofSeconds(30),
        () -> {
          try {
            text[0] = get("/metrics").body();
            return text[0].contains("address=\"ffrtmp.master.node.heartbeat\"");
          } catch (Exception e) {
            return false;
          }
        },
        "heartbeats counted in the worker's scrape");
    return new Scrape(text[0]);
  }

  @Test
  void theWorkerServesMetricsOnItsPortAndSaysWhere() throws Exception {
    String out = Files.readString(h.dir.resolve("worker-m.out"), StandardCharsets.UTF_8);
    assertThat(out).contains("metrics at http://127.0.0.1:" + port + "/metrics");
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    assertThat(get("/other").statusCode()).isEqualTo(404);
    Scrape s = scrape();
    assertThat(s.text)
        .contains("# TYPE jvm_memory_used_bytes gauge")
        .contains("jvm_threads_live_threads")
        .contains("vertx_eventbus_sent_total{")
        .contains("vertx_eventbus_handlers{")
        // The master's own meters are the master's: a worker has no job store.
        .doesNotContain("ffrtmp_jobs{");
  }

  @Test
  void withATokenFileAScrapeWithoutTheTokenIs401() throws Exception {
    assertThat(get("http://127.0.0.1:" + port + "/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("http://127.0.0.1:" + port + "/metrics", "wrong").statusCode()).isEqualTo(401);
    assertThat(get("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void theMastersServiceDiscoveryListsTheWorkersEndpointAndItsScrapeWorks() throws Exception {
    JsonObject[] found = {null};
    JsonArray[] groups = {null};
    // The node list behind it is refreshed every 5 s.
    waitFor(
        Duration.ofSeconds(30),
        () -> {
          try {
            HttpResponse<String> r = master("GET", "/metrics/targets", null, null);
            assertThat(r.headers().firstValue("content-type").orElse(""))
                .startsWith("application/json");
            groups[0] = new JsonArray(r.body());
            for (int i = 0; i < groups[0].size(); i++) {
              JsonObject g = groups[0].getJsonObject(i);
              if (worker.id != null
                  && worker.id.equals(g.getJsonObject("labels").getString("node"))) {
                found[0] = g;
              }
            }
            return found[0] != null;
          } catch (Exception e) {
            return false;
          }
        },
        "the worker in the master's service discovery");
    JsonObject labels = found[0].getJsonObject("labels");
    assertThat(labels.getMap())
        .containsEntry("role", "worker")
        .containsEntry("__scheme__", "http")
        .containsEntry("__metrics_path__", "/metrics")
        .containsEntry("label_site", "lab-1");
    String target = found[0].getJsonArray("targets").getString(0);
    assertThat(target).isEqualTo("127.0.0.1:" + port);
    HttpResponse<String> scraped = get("http://" + target + "/metrics", token);
    assertThat(scraped.statusCode()).isEqualTo(200);
    assertThat(scraped.body()).contains("ffrtmp_worker_slots");
    // The master lists itself too, at its API.
    assertThat(groups[0].stream().map(o -> ((JsonObject) o).getJsonObject("labels")))
        .anySatisfy(
            l -> {
              assertThat(l.getString("role")).isEqualTo("master");
              assertThat(l.getString("__scheme__")).isEqualTo("https");
            });
  }

  @Test
  void aRunningJobsProgressIsThereBySlotAndGoesWhenItEnds() throws Exception {
    Scrape idle = scrape();
    assertThat(value(idle.text, "ffrtmp_worker_slots")).isEqualTo(1);
    assertThat(value(idle.text, "ffrtmp_worker_spool_reports")).isZero();
    String admin = adminToken();
    HttpResponse<String> submitted = master("POST", "/api/v1/jobs", admin, SLOW);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String job = new JsonObject(submitted.body()).getString("job_id");
    String[] text = {""};
    waitFor(
        Duration.ofSeconds(90),
        () -> {
          try {
            text[0] = get("/metrics").body();
            return text[0].contains("ffrtmp_job_fps{slot=\"0\"}");
          } catch (Exception e) {
            return false;
          }
        },
        "the running job's fps in the worker's scrape");
    assertThat(value(text[0], "ffrtmp_worker_running_jobs")).isEqualTo(1);
    assertThat(text[0])
        .contains("ffrtmp_job_speed_ratio{slot=\"0\"}")
        .contains("ffrtmp_job_dropped_frames{slot=\"0\"}");
    new Scrape(text[0]).assertBoundedLabels(worker.id, job);
    HttpResponse<String> canceled = master("POST", "/api/v1/jobs/" + job + "/cancel", admin, null);
    assertThat(canceled.statusCode()).as(canceled.body()).isIn(200, 202);
    waitFor(
        Duration.ofSeconds(60),
        () -> {
          try {
            text[0] = get("/metrics").body();
            return !text[0].contains("ffrtmp_job_fps{")
                && value(text[0], "ffrtmp_worker_running_jobs") == 0;
          } catch (Exception e) {
            return false;
          }
        },
        "the slot's series gone once the job ended");
    assertThat(text[0]).doesNotContain("ffrtmp_job_speed_ratio{");
  }

  @Test
  void noLabelIsAnIdOrAPathAndPromtoolAcceptsTheScrape() throws Exception {
    Scrape s = scrape();
    s.assertBoundedLabels(worker.id, h.dir.toString());
    s.assertPromtoolPasses(Files.createDirectories(h.dir.resolve("promtool")));
  }
}

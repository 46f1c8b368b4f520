package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.support.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone node's {@code /metrics} as Prometheus scrapes it: the JVM's, Vert.x's (HTTP server
 * by route template, event bus by ffrtmp address) and ffrtmp's own families in one registry, with
 * no job id or raw path among the label values, and valid for {@code promtool}; after one real job
 * (FFmpeg, through the API), the work families count it once, by outcome, encoder, codec and queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeMetricsIT {

  static final String SMALL =
      """
      {"name": "small", "input": {"type": "synthetic", "duration_s": 1, "resolution": "320x240", "fps": 25},
       "video": {"encoder": "libx264", "preset": "ultrafast", "resolution": "320x240", "fps": 25},
       "measure": {"quality": []}}\
      """;

  @TempDir static Path dir;

  ApiFixture api;
  String jobId;
  Scrape scrape;

  @BeforeAll
  void up() throws Exception {
    api = ApiFixture.standalone(dir, c -> c);
    String admin = api.tokens.get(Role.ADMIN);
    ApiFixture.Response r = api.post("/api/v1/jobs", admin, SMALL);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    jobId = r.json().getString("job_id");
    assertThat(api.get("/api/v1/jobs/" + jobId, admin).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/jobs/" + UUID.randomUUID(), admin).status()).isEqualTo(404);
    assertThat(api.get("/no/such/" + jobId, admin).status()).isEqualTo(404);
    // The job runs on the node's worker; jobs by state come from a cached query refreshed every
    // 5 s: wait until it counts the job as succeeded, and housekeeping has its leader.
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    do {
      scrape = new Scrape(api.get("/metrics", null).text());
    } while (!(value("ffrtmp_jobs{state=\"succeeded\"}") == 1
            && value("ffrtmp_master_leader") == 1
            && scrape.text.contains("ffrtmp_jobs_finished_total{"))
        && System.nanoTime() < deadline
        && sleep());
  }

  /** The value of one series (name and labels as the scrape writes them); NaN when absent. */
  private double value(String series) {
    return scrape
        .text
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  @AfterAll
  void down() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private double jobsCounted() {
    return scrape
        .text
        .lines()
        .filter(l -> l.startsWith("ffrtmp_jobs{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static boolean sleep() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return true;
  }

  @Test
  void theScrapeHasTheJvmVertxAndFfrtmpFamilies() {
    assertThat(scrape.text)
        .contains("# TYPE jvm_memory_used_bytes gauge")
        .contains("jvm_gc_")
        .contains("jvm_threads_live_threads")
        .contains("system_cpus ")
        .contains("vertx_http_server_requests_total{")
        .contains("vertx_eventbus_handlers{")
        .contains("address=\"ffrtmp.master.job.submit\"")
        .contains("vertx_pool_")
        .contains("ffrtmp_jobs{state=\"queued\"}")
        .contains("ffrtmp_jobs{state=\"succeeded\"}")
        .contains("ffrtmp_api_responses_total{class=\"2xx\"}")
        .contains("ffrtmp_api_responses_total{class=\"4xx\"}")
        .contains("ffrtmp_api_rate_limited_total");
    assertThat(jobsCounted()).as("the submitted job, counted by the cached query").isEqualTo(1);
  }

  @Test
  void theFinishedJobIsCountedOnceByOutcomeEncoderCodecAndQueue() {
    String x264 = "codec=\"h264\",encoder=\"libx264\"";
    assertThat(
            value(
                "ffrtmp_jobs_finished_total{" + x264 + ",outcome=\"succeeded\",queue=\"default\"}"))
        .as(scrape.text)
        .isEqualTo(1);
    assertThat(value("ffrtmp_job_frames_total{" + x264 + "}")).isEqualTo(25);
    // The node meter here is the CPU model: the job's attributed energy is an estimate.
    assertThat(value("ffrtmp_job_energy_joules_total{" + x264 + ",provenance=\"estimated\"}"))
        .isPositive();
    assertThat(value("ffrtmp_leases_total")).isEqualTo(1);
    assertThat(value("ffrtmp_job_retries_total")).isZero();
    assertThat(value("ffrtmp_job_duration_seconds_count{queue=\"default\"}")).isEqualTo(1);
    assertThat(value("ffrtmp_job_duration_seconds_bucket{queue=\"default\",le=\"+Inf\"}"))
        .isEqualTo(1);
    assertThat(value("ffrtmp_job_queue_wait_seconds_count{queue=\"default\"}")).isEqualTo(1);
    assertThat(value("ffrtmp_dispatch_latency_seconds_count")).isEqualTo(1);
    assertThat(scrape.text)
        .contains("# TYPE ffrtmp_job_duration_seconds histogram")
        .contains("# TYPE ffrtmp_dispatch_latency_seconds histogram");
  }

  @Test
  void theMasterFamiliesAreThereWithEveryStateAndQueue() {
    assertThat(value("ffrtmp_master_leader")).isEqualTo(1);
    assertThat(value("ffrtmp_nodes{state=\"up\"}")).isEqualTo(1);
    assertThat(value("ffrtmp_nodes{state=\"draining\"}")).isZero();
    assertThat(value("ffrtmp_nodes{state=\"lost\"}")).isZero();
    for (String q : new String[] {"live", "default", "batch"}) {
      for (String p : new String[] {"high", "medium", "low"}) {
        assertThat(value("ffrtmp_queued_jobs{priority=\"" + p + "\",queue=\"" + q + "\"}"))
            .as(q + "/" + p)
            .isZero();
      }
    }
  }

  @Test
  void theWorkerFamiliesAreThereAndAnIdleSlotHasNoProgressSeries() {
    assertThat(value("ffrtmp_worker_slots")).isEqualTo(1);
    assertThat(value("ffrtmp_worker_running_jobs")).isZero();
    assertThat(value("ffrtmp_worker_spool_reports")).isZero();
    assertThat(scrape.text)
        .doesNotContain("ffrtmp_job_fps{")
        .doesNotContain("ffrtmp_job_speed_ratio{");
  }

  @Test
  void serviceDiscoveryListsTheNodeOnceAsStandalone() throws Exception {
    ApiFixture.Response r = api.get("/metrics/targets", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    io.vertx.core.json.JsonArray groups = new io.vertx.core.json.JsonArray(r.text());
    assertThat(groups).as(r.text()).hasSize(1);
    io.vertx.core.json.JsonObject labels = groups.getJsonObject(0).getJsonObject("labels");
    assertThat(labels.getString("role")).isEqualTo("standalone");
    assertThat(labels.getString("__scheme__")).isEqualTo("https");
    assertThat(groups.getJsonObject(0).getJsonArray("targets").getString(0))
        .isEqualTo("127.0.0.1:" + api.server.port());
  }

  @Test
  void httpRequestsAreLabelledByRouteTemplateNeverByPath() {
    assertThat(scrape.labels())
        .anySatisfy(
            l -> {
              assertThat(l[0]).isEqualTo("route");
              assertThat(l[1]).contains("/api/v1/jobs/").contains(":");
            });
    scrape.assertBoundedLabels(jobId, "/no/such");
  }

  @Test
  void promtoolAcceptsTheScrape() throws Exception {
    scrape.assertPromtoolPasses(dir);
  }
}

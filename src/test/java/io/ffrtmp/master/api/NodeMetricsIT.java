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
 * no job id or raw path among the label values, and valid for {@code promtool}.
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
    // Jobs by state come from a cached query refreshed every 5 s: wait until it counts the job.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    do {
      scrape = new Scrape(api.get("/metrics", null).text());
    } while (jobsCounted() < 1 && System.nanoTime() < deadline && sleep());
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

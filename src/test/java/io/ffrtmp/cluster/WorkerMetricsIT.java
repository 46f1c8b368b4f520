package io.ffrtmp.cluster;

import static io.ffrtmp.cluster.ClusterHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.support.Scrape;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker of a small cluster (master and worker as processes of the fat jar) serves {@code
 * /metrics} on its own plain HTTP port, says where at start-up, and its scrape has the JVM's and
 * the event bus's families with bounded labels.
 */
class WorkerMetricsIT {

  static ClusterHarness h;
  static ClusterHarness.Node worker;
  static int port;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void cluster() throws Exception {
    h = new ClusterHarness(Files.createTempDirectory("ffrtmp-metrics"));
    h.startDatabase();
    h.master("master-1");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    worker = h.worker("worker-m", "--metrics-port", String.valueOf(port));
  }

  @AfterAll
  static void down() {
    if (h != null) {
      h.close();
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
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
  void noLabelIsAnIdOrAPathAndPromtoolAcceptsTheScrape() throws Exception {
    Scrape s = scrape();
    s.assertBoundedLabels(worker.id, h.dir.toString());
    s.assertPromtoolPasses(Files.createDirectories(h.dir.resolve("promtool")));
  }
}

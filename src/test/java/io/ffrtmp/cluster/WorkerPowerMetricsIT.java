package io.ffrtmp.cluster;

import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.support.FedPowerCheck;
import io.ffrtmp.support.Scrape;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A worker of a small cluster (master and worker as processes of the fat jar), measured from a fake
 * powercap tree fed at known power, scraped from its own {@code /metrics} port.
 */
class WorkerPowerMetricsIT {

  @Test
  void theWorkersScrapeHasTheFedEnergyAndAnUnreadableCounterIsDown() throws Exception {
    Path dir = Files.createTempDirectory("ffrtmp-worker-power");
    try (ClusterHarness h = new ClusterHarness(dir)) {
      h.startDatabase();
      h.master("master-p");
      FakePowercap fake = FedPowerCheck.tree(dir.resolve("powercap"));
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      h.worker(
          "worker-p",
          "--metrics-port",
          String.valueOf(port),
          "--powercap-root",
          fake.root().toString());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
      FedPowerCheck.run(
          fake,
          () ->
              new Scrape(
                  http.send(
                          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body()),
          dir);
    }
  }
}

package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;

import io.ffrtmp.cluster.NodeRegistration;
import io.ffrtmp.node.ScrapeCost;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * Benchmark, not a test: a master's scrape when it knows 200 nodes (a standalone node, so the
 * worker, power and master families are all there, plus 200 registered workers and a few hundred
 * jobs): p50/p99 of {@code GET /metrics} over HTTPS on loopback, its size and series count, and the
 * same for the service-discovery list {@code GET /metrics/targets}. Usage: {@code java -cp
 * target/ffrtmp.jar:target/test-classes io.ffrtmp.master.api.MasterScrapeCost [SCRAPES] [NODES]}.
 */
public final class MasterScrapeCost {

  private MasterScrapeCost() {}

  public static void main(String[] args) throws Exception {
    int scrapes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path dir = Files.createTempDirectory("ffrtmp-master-scrape");
    try (ApiFixture api = ApiFixture.standalone(dir, c -> c)) {
      for (int i = 0; i < nodes; i++) {
        await(
            api.nodes.register(
                new NodeRegistration(
                    String.format(Locale.ROOT, "bench-worker-%03d", i),
                    UUID.randomUUID(),
                    "10.0." + (i / 250) + "." + (i % 250 + 1),
                    new JsonObject().put("rack", "r" + (i % 8)),
                    4,
                    new JsonArray().add("libx264").add("libx265"),
                    new JsonObject().put("provenance", "measured"),
                    new JsonObject(),
                    null,
                    "10.0." + (i / 250) + "." + (i % 250 + 1) + ":9464"),
                Duration.ofSeconds(3600)),
            30);
      }
      Thread.sleep(6000); // the node list and job counts are cached for 5 s
      String body = api.get("/metrics", null).text();
      String targets = api.get("/metrics/targets", null).text();
      for (int i = 0; i < 500; i++) {
        api.registry().scrape(); // warm-up: the JIT, not the steady state, would be timed
      }
      long[] render = new long[scrapes];
      for (int i = 0; i < scrapes; i++) {
        long s = System.nanoTime();
        api.registry().scrape();
        render[i] = System.nanoTime() - s;
      }
      long[] scrape = time(api, "/metrics", scrapes);
      long[] sd = time(api, "/metrics/targets", scrapes);
      System.out.printf(
          Locale.ROOT,
          "master knowing %d nodes:%n"
              + "registry render, %d scrapes: %s%n"
              + "GET /metrics over HTTPS, %d scrapes: %s; body %d bytes, %d series (%d ffrtmp_*)%n"
              + "GET /metrics/targets, %d requests: %s; %d target groups, %d bytes%n",
          nodes,
          scrapes,
          ScrapeCost.quantiles(render),
          scrapes,
          ScrapeCost.quantiles(scrape),
          body.length(),
          body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count(),
          body.lines().filter(l -> l.startsWith("ffrtmp_")).count(),
          scrapes,
          ScrapeCost.quantiles(sd),
          new JsonArray(targets).size(),
          targets.length());
    }
  }

  private static long[] time(ApiFixture api, String path, int n) throws Exception {
    for (int i = 0; i < Math.min(200, n); i++) {
      api.get(path, null); // warm-up
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      api.get(path, null);
      out[i] = System.nanoTime() - s;
    }
    return out;
  }
}

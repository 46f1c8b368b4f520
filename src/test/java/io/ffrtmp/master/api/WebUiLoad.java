package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;

import io.ffrtmp.cluster.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The web UI's load figures in headless Chromium on this machine (docs/performance.md#web-ui): a
 * master with {@code NODES} nodes and {@code JOBS} jobs stored (with results: the nodes' energy
 * today sums them), first loads of the fleet view from a cold browser (bytes over the wire, time
 * until the table shows every node), and the browser's main-thread time while the jobs view follows
 * {@code FOLLOW} running jobs whose progress arrives as workers send it (two messages a second per
 * job). Not a test: run by {@code bench/web-ui.sh}.
 */
public final class WebUiLoad {

  static final int NODES = 200;
  static final int JOBS = 10_000;
  static final int FOLLOW = 8;
  static final int COLD_LOADS = 5;
  static final int FOLLOW_S = 30;
  static final long PROGRESS_EVERY_MS = 500;

  private WebUiLoad() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("ffrtmp-ui-load");
    ApiFixture.reachable(dir);
    try (ApiFixture api = ApiFixture.storeOnly(dir, c -> c.withRate(10_000, 10_000))) {
      List<String> running = fill(api);
      System.out.printf(
          "stored: %d nodes, %d jobs (%d running)%n",
          api.count("SELECT count(*) FROM nodes"),
          api.count("SELECT count(*) FROM jobs"),
          running.size());
      // What the page waits for from the server: the node list with every node's energy today.
      List<Double> listing = new ArrayList<>();
      int bytes = 0;
      for (int i = 0; i < 25; i++) {
        long t = System.nanoTime();
        bytes = api.get("/api/v1/nodes", api.tokens.get(Role.VIEWER)).text().length();
        listing.add((System.nanoTime() - t) / 1e6);
      }
      listing.sort(null);
      System.out.printf(
          "GET /api/v1/nodes (%d nodes with energy today over %d results): median %.1f ms, %d kB%n",
          NODES, JOBS, listing.get(listing.size() / 2), bytes / 1024);
      List<double[]> cold = new ArrayList<>();
      for (int i = 0; i < COLD_LOADS; i++) {
        cold.add(coldLoad(api));
      }
      cold.sort((a, b) -> Double.compare(a[0], b[0]));
      double[] median = cold.get(cold.size() / 2);
      System.out.printf(
          "fleet view, cold browser, %d loads: until %d rows shown median %.0f ms (min %.0f, max"
              + " %.0f); DOMContentLoaded %.0f ms; %.0f kB over the wire (%.0f kB uncompressed) in"
              + " %.0f requests%n",
          COLD_LOADS,
          NODES,
          median[0],
          cold.get(0)[0],
          cold.get(cold.size() - 1)[0],
          median[1],
          median[2] / 1024,
          median[3] / 1024,
          median[4]);
      follow(api, running);
    }
  }

  /** 200 nodes with hardware and power, 10,000 finished jobs with results, 8 running ones. */
  private static List<String> fill(ApiFixture api) throws Exception {
    JsonObject hardware =
        new JsonObject()
            .put("cpu_model", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz")
            .put("cpu_threads", 64)
            .put("memory_mb", 262_144)
            .put("gpus", new JsonArray());
    for (int i = 0; i < NODES; i++) {
      String id = String.format("node-%03d", i);
      await(
          api.nodes.register(
              new JsonObject()
                  .put("node_id", id)
                  .put("instance_id", UUID.randomUUID().toString())
                  .put("host", id + ".farm.example")
                  .put("slots", 4)
                  .put("encoders", new JsonArray().add("libx264").add("libx265"))
                  .put("hardware", hardware),
              Duration.ofMinutes(10)),
          30);
    }
    sql(
        api,
        "UPDATE nodes SET watts = 80 + (random() * 120), free_slots = 2,"
            + " watts_source = CASE WHEN id < 'node-100' THEN 'measured' ELSE 'estimated' END",
        Tuple.tuple());
    JsonObject spec =
        new JsonObject()
            .put("name", "ladder")
            .put("input", new JsonObject().put("type", "synthetic"))
            .put("video", new JsonObject().put("encoder", "libx264"));
    JsonObject result =
        new JsonObject()
            .put("frames", 300)
            .put(
                "energy",
                new JsonObject()
                    .put("total_joules", 123.4)
                    .put("provenance", "measured")
                    .put("source", "rapl-powercap"));
    sql(
        api,
        "INSERT INTO jobs (id, config_key, spec, state, queue_rank, priority_rank, exclusive,"
            + " node_id, created_at, started_at, finished_at) SELECT gen_random_uuid(), 'libx264"
            + " medium crf23 1280x720p30', $1, 'succeeded', 1, 1, false, 'node-' || lpad((g %"
            + " $2)::text, 3, '0'), now() - g * interval '1 second', now() - g * interval '1"
            + " second', now() - g * interval '1 second' FROM generate_series(1, $3) g",
        Tuple.of(spec, NODES, JOBS));
    sql(
        api,
        "INSERT INTO results (job_id, attempt, result) SELECT id, 1, $1 FROM jobs",
        Tuple.of(result));
    List<String> running = new ArrayList<>();
    for (int i = 0; i < FOLLOW; i++) {
      UUID id = UUID.randomUUID();
      running.add(id.toString());
      sql(
          api,
          "INSERT INTO jobs (id, config_key, spec, state, queue_rank, priority_rank, exclusive,"
              + " node_id, started_at) VALUES ($1, 'libx264 medium crf23 1280x720p30', $2,"
              + " 'running', 1, 1, false, $3, now())",
          Tuple.of(id, spec.copy().put("name", "follow-" + i), String.format("node-%03d", i)));
    }
    sql(api, "ANALYZE", Tuple.tuple());
    return running;
  }

  private static void sql(ApiFixture api, String sql, Tuple params) throws Exception {
    await(api.store.pool().preparedQuery(sql).execute(params), 120);
  }

  static ChromeDriver browser() {
    Chromium.required();
    return Chromium.start(false);
  }

  /**
   * A fresh browser (empty cache) follows a login link: {ms until every node row is shown,
   * DOMContentLoaded ms, bytes transferred, bytes decoded, requests}.
   */
  private static double[] coldLoad(ApiFixture api) throws Exception {
    String path =
        api.post("/api/v1/login-links", api.tokens.get(Role.VIEWER), null).json().getString("path");
    ChromeDriver browser = browser();
    try {
      browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
      browser.get(api.base + path);
      Object shown =
          browser.executeAsyncScript(
              "const done = arguments[arguments.length - 1];const n = arguments[0];(function poll()"
                  + " {  if (document.querySelectorAll('#nodes tbody tr').length >= n)"
                  + " done(performance.now());  else requestAnimationFrame(poll);})();",
              NODES);
      @SuppressWarnings("unchecked")
      Map<String, Object> sizes =
          (Map<String, Object>)
              browser.executeScript(
                  "const all = [performance.getEntriesByType('navigation')[0],"
                      + " ...performance.getEntriesByType('resource')];return {transfer:"
                      + " all.reduce((a, e) => a + (e.transferSize || 0), 0), decoded:"
                      + " all.reduce((a, e) => a + (e.decodedBodySize || 0), 0), requests:"
                      + " all.length, dcl:"
                      + " performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd};");
      return new double[] {
        ((Number) shown).doubleValue(),
        ((Number) sizes.get("dcl")).doubleValue(),
        ((Number) sizes.get("transfer")).doubleValue(),
        ((Number) sizes.get("decoded")).doubleValue(),
        ((Number) sizes.get("requests")).doubleValue()
      };
    } finally {
      browser.quit();
    }
  }

  /**
   * The jobs view of the running jobs, fed progress as workers send it; the renderer's main-thread
   * time (DevTools' TaskDuration, ScriptDuration) over {@code FOLLOW_S} seconds.
   */
  private static void follow(ApiFixture api, List<String> running) throws Exception {
    String path =
        api.post("/api/v1/login-links", api.tokens.get(Role.VIEWER), null).json().getString("path");
    ChromeDriver browser = browser();
    long timer = -1;
    try {
      browser.get(api.base + path);
      Thread.sleep(2000);
      browser.get(api.base + "/#/jobs?state=running");
      Thread.sleep(3000);
      long[] frame = {0};
      timer =
          api.vertx.setPeriodic(
              PROGRESS_EVERY_MS,
              t -> {
                frame[0] += 15;
                for (int i = 0; i < running.size(); i++) {
                  api.vertx
                      .eventBus()
                      .publish(
                          Addresses.JOB_PROGRESS,
                          new JsonObject()
                              .put("job_id", running.get(i))
                              .put("frame", frame[0])
                              .put("frames_total", 100_000)
                              .put("fps", 30.0 + i)
                              .put("speed", 1.0 + i / 10.0)
                              .put("bitrate_kbps", 2500.0)
                              .put("watts", 40.0 + i)
                              .put("energy_provenance", "measured"));
                }
              });
      Thread.sleep(3000);
      browser.executeCdpCommand("Performance.enable", Map.of());
      Map<String, Double> before = metrics(browser);
      long t0 = System.nanoTime();
      Thread.sleep(FOLLOW_S * 1000L);
      Map<String, Double> after = metrics(browser);
      double wall = (System.nanoTime() - t0) / 1e9;
      Object rows =
          browser.executeScript(
              "return document.querySelectorAll('#jobs tbody tr progress').length");
      System.out.printf(
          "jobs view following %d running jobs (%d progress messages a second, %s rows with"
              + " progress): renderer main thread busy %.1f %% of one core (layout %.1f %%, style"
              + " %.1f %%) over %.0f s%n",
          running.size(),
          running.size() * 1000 / PROGRESS_EVERY_MS,
          rows,
          100 * (after.get("TaskDuration") - before.get("TaskDuration")) / wall,
          100 * (after.get("LayoutDuration") - before.get("LayoutDuration")) / wall,
          100 * (after.get("RecalcStyleDuration") - before.get("RecalcStyleDuration")) / wall,
          wall);
    } finally {
      if (timer >= 0) {
        api.vertx.cancelTimer(timer);
      }
      browser.quit();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Double> metrics(ChromeDriver browser) {
    Map<String, Object> res = browser.executeCdpCommand("Performance.getMetrics", Map.of());
    Map<String, Double> out = new java.util.HashMap<>();
    for (Object m : (List<Object>) res.get("metrics")) {
      Map<String, Object> metric = (Map<String, Object>) m;
      out.put((String) metric.get("name"), ((Number) metric.get("value")).doubleValue());
    }
    return out;
  }
}

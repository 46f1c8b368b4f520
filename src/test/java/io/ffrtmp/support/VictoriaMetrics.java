package io.ffrtmp.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real VictoriaMetrics (the Debian package's {@code victoria-metrics} binary) for one test class:
 * its own free port, a data directory of the test's and the scrape config the test gives, with the
 * Prometheus query API to ask it.
 */
public final class VictoriaMetrics implements AutoCloseable {

  public static final String FIX =
      "victoria-metrics is missing: run 'apt-get install -y victoria-metrics' (Debian's package,"
          + " 1.79 or later)";

  private final Process process;
  private final Path log;
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private VictoriaMetrics(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.base = "http://127.0.0.1:" + port;
  }

  /**
   * Writes {@code scrapeConfig} (a {@code -promscrape.config} file, parsed strictly) into {@code
   * dir}, starts VictoriaMetrics on it and returns once {@code /health} answers.
   */
  public static VictoriaMetrics start(Path dir, String scrapeConfig) throws Exception {
    Path binary = binary();
    if (binary == null) {
      throw new AssertionError(FIX);
    }
    Path config =
        Files.writeString(dir.resolve("scrape.yml"), scrapeConfig, StandardCharsets.UTF_8);
    Path log = dir.resolve("victoria-metrics.log");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> cmd =
        List.of(
            binary.toString(),
            "-httpListenAddr=127.0.0.1:" + port,
            "-storageDataPath=" + Files.createDirectories(dir.resolve("vm-data")),
            "-promscrape.config=" + config,
            "-promscrape.config.strictParse",
            // Service discovery is asked every second, not every minute, so targets appear at once.
            "-promscrape.httpSDCheckInterval=1s",
            // Samples a second old are answered: the default hides the last 30 s of data.
            "-search.latencyOffset=1s",
            "-search.disableCache",
            "-retentionPeriod=1d");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    VictoriaMetrics vm = new VictoriaMetrics(p, log, port);
    try {
      vm.awaitHealthy(Duration.ofSeconds(60));
    } catch (Exception | AssertionError e) {
      vm.close();
      throw e;
    }
    return vm;
  }

  private static Path binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "victoria-metrics");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private void awaitHealthy(Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "victoria-metrics exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<String> r = get("/health");
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "victoria-metrics did not answer /health within "
                + limit.toSeconds()
                + " s:\n"
                + log());
      }
      Thread.sleep(200);
    }
  }

  public String url() {
    return base;
  }

  /** Its own log: start-up, config errors, scrape errors. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** {@code /api/v1/query} at now: the whole answer, {@code status} "success" or "error". */
  public JsonObject query(String promql) throws Exception {
    return post("/api/v1/query", Map.of("query", promql));
  }

  /** {@code /api/v1/query_range} over the last {@code range}, one point per {@code step}. */
  public JsonObject queryRange(String promql, Duration range, Duration step) throws Exception {
    long now = Instant.now().getEpochSecond();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("query", promql);
    form.put("start", Long.toString(now - range.toSeconds()));
    form.put("end", Long.toString(now));
    form.put("step", step.toSeconds() + "s");
    return post("/api/v1/query_range", form);
  }

  /**
   * The values of {@code label} among the series {@code match} selects, as Grafana's
   * label_values().
   */
  public List<String> labelValues(String label, String match) throws Exception {
    JsonObject r = post("/api/v1/label/" + label + "/values", Map.of("match[]", match));
    List<String> out = new ArrayList<>();
    for (Object o : r.getJsonArray("data", new JsonArray())) {
      out.add(o.toString());
    }
    return out;
  }

  /** The result series of a successful query's answer (none for an error). */
  public static JsonArray result(JsonObject answer) {
    return answer.getJsonObject("data", new JsonObject()).getJsonArray("result", new JsonArray());
  }

  /** The scrape targets VictoriaMetrics has, with their health and last error (for messages). */
  public String targets() {
    try {
      return get("/api/v1/targets").body();
    } catch (Exception e) {
      return "(no answer: " + e + ")";
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject post(String path, Map<String, String> form) throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    try {
      return new JsonObject(r.body());
    } catch (RuntimeException e) {
      return new JsonObject()
          .put("status", "error")
          .put("error", "HTTP " + r.statusCode() + ": " + r.body());
    }
  }

  /** SIGTERM, then SIGKILL if it has not stopped after a grace period. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

package io.ffrtmp.monitoring;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cli.client.PinnedTrust;
import io.ffrtmp.master.store.Database;
import io.ffrtmp.master.store.EmbeddedPostgres;
import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.support.JarNode;
import io.ffrtmp.support.VictoriaMetrics;
import io.vertx.core.Vertx;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped dashboards against real data: a real VictoriaMetrics scrapes, through the masters'
 * service discovery, a standalone node and a small cluster (a master and a worker), each node with
 * a fake powercap tree fed at a known power, after the standalone node has run a job. Then every
 * query of every panel must parse as an instant and a range query, and the panels an operator opens
 * first (power, jobs, nodes) must show series.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardQueriesIT {

  static final String SMALL =
      """
      {"name": "small", "input": {"type": "synthetic", "duration_s": 1, "resolution": "320x240", "fps": 25},
       "video": {"encoder": "libx264", "preset": "ultrafast", "resolution": "320x240", "fps": 25},
       "measure": {"quality": []}}\
      """;

  /** Panels that must have data once nodes are scraped and a job has run: file, panel title. */
  static final List<String[]> MUST_HAVE_DATA =
      List.of(
          new String[] {"fleet-power.json", "Fleet power, measured"},
          new String[] {"fleet-power.json", "Fleet watts by provenance"},
          new String[] {"fleet-power.json", "Power by node"},
          new String[] {"fleet-power.json", "Nodes by state"},
          new String[] {"node.json", "Power by zone"},
          new String[] {"node.json", "Power by scope"},
          new String[] {"node.json", "CPU utilisation"},
          new String[] {"node.json", "Power sources up"},
          new String[] {"jobs.json", "Jobs by state"},
          new String[] {"jobs.json", "Finished over the range"},
          new String[] {"encoders.json", "Jobs finished by encoder and codec"},
          new String[] {"cluster-health.json", "Targets up"},
          new String[] {"cluster-health.json", "Nodes by state"},
          new String[] {"cluster-health.json", "HTTP requests by code"},
          new String[] {"cluster-health.json", "JVM heap"});

  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

  Path dir;
  final List<AutoCloseable> running = new ArrayList<>();
  final List<FakePowercap.Feeder> feeders = new ArrayList<>();
  JarNode standalone;
  JarNode master;
  JarNode worker;
  VictoriaMetrics vm;
  Map<String, JsonObject> dashboards;

  @BeforeAll
  void up() throws Exception {
    dashboards = Dashboards.load(Dashboards.DIR);
    dir = Files.createTempDirectory("ffrtmp-dashboards");
    // The embedded PostgreSQL runs as an unprivileged user when the tests run as root.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));

    standalone =
        node(
            "standalone",
            List.of("--role", "standalone", "--port", "0", "--bind", "127.0.0.1"),
            powercap("standalone", 20.0, 4.0));
    String standaloneApi = standalone.printed("API at ").orElseThrow().replace("/api/v1", "");

    EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"));
    running.add(pg);
    Vertx v = Vertx.vertx();
    try {
      await(Database.open(v, Database.parse(pg.uri()), true), 120).close();
    } finally {
      await(v.close(), 30);
    }
    int masterBus = freePort();
    int workerBus = freePort();
    List<String> cluster =
        List.of(
            "--cluster-host",
            "127.0.0.1",
            "--cluster-name",
            "d" + UUID.randomUUID().toString().substring(0, 8),
            "--join",
            "127.0.0.1:" + masterBus + ",127.0.0.1:" + workerBus,
            "--heartbeat-ms",
            "500");
    List<String> masterArgs =
        new ArrayList<>(
            List.of(
                "--role",
                "master",
                "--db",
                pg.uri(),
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--cluster-port",
                String.valueOf(masterBus)));
    masterArgs.addAll(cluster);
    master = node("master", masterArgs, List.of());
    String masterApi = master.printed("API at ").orElseThrow().replace("/api/v1", "");
    List<String> workerArgs =
        new ArrayList<>(
            List.of(
                "--role",
                "worker",
                "--metrics-port",
                String.valueOf(freePort()),
                "--cluster-port",
                String.valueOf(workerBus)));
    workerArgs.addAll(cluster);
    worker = node("worker", workerArgs, powercap("worker", 35.0, 6.0));

    runAJob(standaloneApi, dir.resolve("standalone").resolve("api"));

    vm = VictoriaMetrics.start(dir, scrapeConfig(standaloneApi, masterApi));
    running.add(vm);
    // Three targets (standalone, master, worker), each scraped a few times so rate() has samples.
    // Not asserted here: the query checks below hold without data, and a test says what is missing.
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!everyNodeScraped() && System.nanoTime() < end) {
      Thread.sleep(250);
    }
  }

  private boolean everyNodeScraped() {
    return seriesCount("up == 1") >= 3 && seriesCount("count_over_time(up[1m]) >= 5") >= 3;
  }

  private JarNode node(String name, List<String> roleArgs, List<String> power) throws Exception {
    List<String> args = new ArrayList<>(roleArgs);
    args.addAll(List.of("--data-dir", dir.resolve(name).toString()));
    args.addAll(power);
    JarNode n = JarNode.start(name, dir, args);
    running.add(n);
    return n;
  }

  /** A fake powercap tree fed at known watts, and flags that leave every other source out. */
  private List<String> powercap(String name, double packageWatts, double dramWatts)
      throws Exception {
    FakePowercap fake = FakePowercap.intel(Files.createDirectories(dir.resolve(name + "-rapl")), 1);
    feeders.add(
        fake.feeder().start(Map.of("intel-rapl:0", packageWatts, "intel-rapl:0:1", dramWatts)));
    Path none = Files.createDirectories(dir.resolve(name + "-none"));
    return List.of(
        "--powercap-root",
        fake.root().toString(),
        "--hwmon-root",
        none.toString(),
        "--perf-root",
        none.resolve("power").toString(),
        "--nvml",
        "none");
  }

  /** Scrapes what the masters' service discovery lists, every second. */
  static String scrapeConfig(String... masters) {
    StringBuilder sd = new StringBuilder();
    for (String m : masters) {
      sd.append("      - url: ")
          .append(m)
          .append("/metrics/targets\n")
          .append("        tls_config:\n          insecure_skip_verify: true\n");
    }
    return """
    global:
      scrape_interval: 1s
      scrape_timeout: 1s
    scrape_configs:
      - job_name: ffrtmp
        # https targets (the API servers) have self-signed certificates here
        tls_config:
          insecure_skip_verify: true
        http_sd_configs:
    """
        + sd;
  }

  private void runAJob(String api, Path apiDir) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(PinnedTrust.pinned(apiDir.resolve("tls-cert.pem")))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    String key = Files.readString(apiDir.resolve("admin.key"), StandardCharsets.UTF_8).trim();
    String token =
        new JsonObject(
                send(
                    http,
                    api + "/api/v1/tokens",
                    null,
                    new JsonObject().put("api_key", key).encode()))
            .getString("token");
    String id = new JsonObject(send(http, api + "/api/v1/jobs", token, SMALL)).getString("job_id");
    String[] state = {""};
    awaitTrue(
        Duration.ofSeconds(120),
        () -> {
          try {
            state[0] =
                new JsonObject(send(http, api + "/api/v1/jobs/" + id, token, null))
                    .getString("state");
          } catch (Exception e) {
            return false;
          }
          return List.of("succeeded", "failed", "canceled").contains(state[0]);
        },
        "the job finished; ");
    assertThat(state[0]).as(standalone.log()).isEqualTo("succeeded");
  }

  private static String send(HttpClient http, String url, String token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isBetween(200, 299);
    return r.body();
  }

  @AfterAll
  void down() {
    feeders.forEach(FakePowercap.Feeder::stop);
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        // stopping the rest anyway
      }
    }
  }

  /**
   * A panel's query as Grafana sends it: the selectors' "All" (".*"), a rate interval of a few 1 s
   * scrapes, a 5 minute range.
   */
  static String substitute(String expr) {
    return expr.replaceAll("\\$\\{?__rate_interval\\}?", "4s")
        .replaceAll("\\$\\{?__interval\\}?", "2s")
        .replaceAll("\\$\\{?__range_s\\}?", "300")
        .replaceAll("\\$\\{?__range\\}?", "5m")
        .replaceAll("\\$\\{?\\w+\\}?", ".*");
  }

  @Test
  void victoriaMetricsScrapesEveryNodeThroughTheMastersServiceDiscovery() {
    assertThat(everyNodeScraped())
        .as(
            "standalone, master and worker up, from the masters' /metrics/targets; targets:\n"
                + vm.targets()
                + "\nservice discovery in VictoriaMetrics' log:\n"
                + vm.log().lines().filter(l -> l.contains("http_sd")).limit(5).toList())
        .isTrue();
  }

  @Test
  void everyPanelQueryParsesAsAnInstantAndARangeQuery() throws Exception {
    List<Dashboards.Query> queries = Dashboards.queries(dashboards);
    assertThat(queries).hasSizeGreaterThan(40);
    List<String> refused = new ArrayList<>();
    for (Dashboards.Query q : queries) {
      String expr = substitute(q.expr());
      JsonObject instant = vm.query(expr);
      if (!"success".equals(instant.getString("status"))) {
        refused.add(q + " (instant): " + instant.getString("error"));
      }
      JsonObject range = vm.queryRange(expr, Duration.ofMinutes(5), Duration.ofSeconds(2));
      if (!"success".equals(range.getString("status"))) {
        refused.add(q + " (range): " + range.getString("error"));
      }
    }
    assertThat(refused).isEmpty();
  }

  @Test
  void thePanelsOfPowerJobsAndNodesShowSeries() throws Exception {
    List<String> empty = new ArrayList<>();
    for (String[] panel : MUST_HAVE_DATA) {
      List<Dashboards.Query> queries =
          Dashboards.queries(Map.of(panel[0], dashboards.get(panel[0]))).stream()
              .filter(q -> q.panelTitle().equals(panel[1]))
              .toList();
      assertThat(queries).as(panel[0] + " has a panel '" + panel[1] + "'").isNotEmpty();
      for (Dashboards.Query q : queries) {
        String expr = substitute(q.expr());
        JsonObject answer =
            q.instant()
                ? vm.query(expr)
                : vm.queryRange(expr, Duration.ofMinutes(5), Duration.ofSeconds(2));
        if (VictoriaMetrics.result(answer).isEmpty()) {
          empty.add(q.toString());
        }
      }
    }
    assertThat(empty)
        .as("panels without data; VictoriaMetrics' targets:\n" + vm.targets())
        .isEmpty();
  }

  @Test
  void theSelectorsListTheNodesAndTheJobsLabels() throws Exception {
    List<String> nodes = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    dashboards.forEach(
        (file, d) -> {
          for (JsonObject v : Dashboards.variables(d)) {
            if (!"query".equals(v.getString("type"))) {
              continue;
            }
            Matcher m = LABEL_VALUES.matcher(Dashboards.variableQuery(v));
            assertThat(m.matches()).as(file + " " + v.getString("name")).isTrue();
            try {
              List<String> values = vm.labelValues(m.group(2), m.group(1));
              if (values.isEmpty()) {
                missing.add(file + ": $" + v.getString("name") + " = " + m.group());
              }
              if ("node".equals(v.getString("name"))) {
                nodes.addAll(values);
              }
            } catch (Exception e) {
              missing.add(file + ": " + e);
            }
          }
        });
    assertThat(missing).as("selectors with nothing to choose").isEmpty();
    // Node values are what service discovery attaches: one per node, the same on every dashboard.
    assertThat(nodes).isNotEmpty().allSatisfy(n -> assertThat(n).isNotBlank());
  }

  private long seriesCount(String promql) {
    try {
      return VictoriaMetrics.result(vm.query(promql)).size();
    } catch (Exception e) {
      return 0;
    }
  }

  private void awaitTrue(Duration limit, BooleanSupplier condition, String what) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            what + " within " + limit.toSeconds() + " s" + (vm == null ? "" : vm.targets()));
      }
      Thread.sleep(250);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

package io.ffrtmp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ffrtmp.monitoring.DeployTools.Run;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/monitoring.sh with the real VictoriaMetrics and vmalert: up, status and down against a
 * stand-in master. The stand-in serves the service discovery over HTTPS with a self-signed
 * certificate (as a master's API does) and a worker-like plain HTTP /metrics, both only to a bearer
 * token, so a target that is up shows the discovery and the scrape both sent it.
 */
class MonitoringScriptIT {

  static final Path SCRIPT = Path.of("deploy", "monitoring.sh");
  static final String TOKEN = "monitoring-it-token";

  static HttpsServer master;
  static HttpServer worker;
  static final List<String> discoveryAuthorizations = new CopyOnWriteArrayList<>();

  @TempDir static Path shared;
  @TempDir Path dir;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  Path dataDir;

  @BeforeAll
  static void startStandInMaster() throws Exception {
    worker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    worker.createContext(
        "/metrics",
        ex ->
            answer(
                ex,
                authorized(ex),
                "text/plain; version=0.0.4",
                "# TYPE ffrtmp_worker_spool_reports gauge\nffrtmp_worker_spool_reports 0\n"));
    worker.start();

    master = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    master.setHttpsConfigurator(new HttpsConfigurator(selfSigned()));
    master.createContext(
        "/metrics/targets",
        ex -> {
          discoveryAuthorizations.add(
              String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          String groups =
              new JsonArray()
                  .add(
                      new JsonObject()
                          .put(
                              "targets",
                              new JsonArray().add("127.0.0.1:" + worker.getAddress().getPort()))
                          .put(
                              "labels",
                              new JsonObject()
                                  .put("node", "it-worker")
                                  .put("role", "worker")
                                  .put("__scheme__", "http")
                                  .put("__metrics_path__", "/metrics")))
                  .encode();
          answer(ex, authorized(ex), "application/json", groups);
        });
    master.start();
  }

  @AfterAll
  static void stopStandInMaster() {
    if (master != null) {
      master.stop(0);
    }
    if (worker != null) {
      worker.stop(0);
    }
  }

  @AfterEach
  void downAnyway() throws Exception {
    if (dataDir != null && Files.isDirectory(dataDir)) {
      DeployTools.run(List.of("bash", SCRIPT.toString(), "down", "--data-dir", dataDir.toString()));
    }
  }

  @Test
  void upStartsBothScrapingThroughTheDiscoveryAndDownStopsThem() throws Exception {
    DeployTools.require("victoria-metrics", DeployTools.VICTORIA_METRICS_FIX);
    DeployTools.require("vmalert", DeployTools.VICTORIA_METRICS_FIX);
    dataDir = dir.resolve("monitoring");
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    int vmPort = freePort();
    int vmalertPort = freePort();

    Run up =
        DeployTools.run(
            List.of(
                "bash",
                SCRIPT.toString(),
                "up",
                "--data-dir",
                dataDir.toString(),
                "--master-url",
                "https://127.0.0.1:" + master.getAddress().getPort(),
                "--token-file",
                tokenFile.toString(),
                "--vm-port",
                String.valueOf(vmPort),
                "--vmalert-port",
                String.valueOf(vmalertPort),
                "--scrape-interval",
                "1s",
                "--power-warn-watts",
                "250"),
            Map.of(),
            120);
    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.output())
        .contains("victoria-metrics: http://127.0.0.1:" + vmPort)
        .contains("vmalert: http://127.0.0.1:" + vmalertPort);
    long vmPid = pid("victoria-metrics");
    long vmalertPid = pid("vmalert");
    assertThat(alive(vmPid)).isTrue();
    assertThat(alive(vmalertPid)).isTrue();

    Run status =
        DeployTools.run(
            List.of("bash", SCRIPT.toString(), "status", "--data-dir", dataDir.toString()));
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output())
        .contains("victoria-metrics: running (pid " + vmPid + ") at http://127.0.0.1:" + vmPort)
        .contains(", ready;")
        .contains("vmalert: running (pid " + vmalertPid + ")");
    assertThat(get(vmPort, "/health")).isEqualTo("OK");

    // The discovered worker, with the discovery's labels and no other, scraped with the token.
    JsonObject target = awaitTargetUp(vmPort);
    assertThat(target.getJsonObject("labels").getMap())
        .containsOnly(
            Map.entry("instance", "127.0.0.1:" + worker.getAddress().getPort()),
            Map.entry("job", "ffrtmp"),
            Map.entry("node", "it-worker"),
            Map.entry("role", "worker"));
    assertThat(discoveryAuthorizations).contains("Bearer " + TOKEN);

    // vmalert runs the rendered rules: every ffrtmp alert, with the threshold given, and the
    // recording
    // rules.
    JsonObject rules = new JsonObject(get(vmalertPort, "/api/v1/rules"));
    List<String> names = new ArrayList<>();
    String powerHigh = null;
    for (Object g : rules.getJsonObject("data").getJsonArray("groups")) {
      for (Object r : ((JsonObject) g).getJsonArray("rules")) {
        JsonObject rule = (JsonObject) r;
        names.add(rule.getString("name"));
        if ("FfrtmpNodePowerHigh".equals(rule.getString("name"))) {
          powerHigh = rule.getString("query");
        }
      }
    }
    List<String> expected = new ArrayList<>(AlertRulesTest.ALERTS);
    expected.addAll(AlertRulesTest.RECORDS);
    assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(powerHigh).contains("> 250");

    Run again =
        DeployTools.run(List.of("bash", SCRIPT.toString(), "up", "--data-dir", dataDir.toString()));
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.output()).contains("already runs from " + dataDir);

    Run down =
        DeployTools.run(
            List.of("bash", SCRIPT.toString(), "down", "--data-dir", dataDir.toString()));
    assertThat(down.exitCode()).as(down.output()).isZero();
    assertThat(down.output())
        .contains("vmalert: stopped (pid " + vmalertPid + ")")
        .contains("victoria-metrics: stopped (pid " + vmPid + ")");
    assertThat(alive(vmPid)).as("victoria-metrics after down").isFalse();
    assertThat(alive(vmalertPid)).as("vmalert after down").isFalse();
    assertThat(dataDir.resolve("victoria-metrics.pid")).doesNotExist();

    Run after =
        DeployTools.run(
            List.of("bash", SCRIPT.toString(), "status", "--data-dir", dataDir.toString()));
    assertThat(after.exitCode()).as(after.output()).isEqualTo(3);
    assertThat(after.output())
        .contains("victoria-metrics: not running")
        .contains("vmalert: not running");
  }

  @Test
  void aThresholdThatIsNotANumberStopsUpBeforeAnything() throws Exception {
    dataDir = dir.resolve("never");
    Run up =
        DeployTools.run(
            List.of(
                "bash",
                SCRIPT.toString(),
                "up",
                "--data-dir",
                dataDir.toString(),
                "--queue-wait-seconds",
                "ten"));
    assertThat(up.exitCode()).as(up.output()).isEqualTo(2);
    assertThat(up.output()).contains("--queue-wait-seconds: 'ten' is not a number");
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void withoutTheBinariesUpSaysWhatToInstall() throws Exception {
    dataDir = dir.resolve("never");
    Path emptyPath = Files.createDirectories(dir.resolve("empty-path"));
    Run up =
        DeployTools.run(
            List.of(
                "/bin/bash",
                SCRIPT.toAbsolutePath().toString(),
                "up",
                "--data-dir",
                dataDir.toString()),
            Map.of("PATH", emptyPath.toString()),
            60);
    assertThat(up.exitCode()).as(up.output()).isEqualTo(1);
    assertThat(up.output())
        .contains("not found on PATH: victoria-metrics vmalert")
        .contains("sudo deploy/install-deps.sh")
        .contains("sudo apt-get install -y victoria-metrics")
        .contains("nothing was started");
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void aPortInUseIsNamedAndNothingStarts() throws Exception {
    DeployTools.require("victoria-metrics", DeployTools.VICTORIA_METRICS_FIX);
    dataDir = dir.resolve("taken");
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run up =
          DeployTools.run(
              List.of(
                  "bash",
                  SCRIPT.toString(),
                  "up",
                  "--data-dir",
                  dataDir.toString(),
                  "--vm-port",
                  String.valueOf(freePort()),
                  "--vmalert-port",
                  String.valueOf(taken.getLocalPort())));
      assertThat(up.exitCode()).as(up.output()).isEqualTo(1);
      assertThat(up.output())
          .contains("--vmalert-port: port " + taken.getLocalPort() + " on 127.0.0.1 is in use")
          .contains("nothing was started");
    }
    assertThat(dataDir).doesNotExist();
  }

  /** Polls VictoriaMetrics' targets until the discovered worker's scrape is up (60 s at most). */
  JsonObject awaitTargetUp(int vmPort) throws Exception {
    String last = "";
    for (int i = 0; i < 300; i++) {
      last = get(vmPort, "/api/v1/targets");
      for (Object t : new JsonObject(last).getJsonObject("data").getJsonArray("activeTargets")) {
        JsonObject target = (JsonObject) t;
        if ("up".equals(target.getString("health"))) {
          return target;
        }
      }
      Thread.sleep(200);
    }
    return fail("no discovered target came up in 60 s; last /api/v1/targets: " + last);
  }

  String get(int port, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  long pid(String name) throws IOException {
    return Long.parseLong(Files.readString(dataDir.resolve(name + ".pid")).strip());
  }

  static boolean alive(long pid) {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    return p.isPresent() && p.get().isAlive();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static boolean authorized(HttpExchange ex) {
    return ("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
  }

  static void answer(HttpExchange ex, boolean authorized, String type, String body)
      throws IOException {
    try (ex;
        InputStream in = ex.getRequestBody()) {
      in.readAllBytes();
      byte[] bytes = (authorized ? body : "token required\n").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", authorized ? type : "text/plain");
      ex.sendResponseHeaders(authorized ? 200 : 401, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }

  /**
   * A self-signed certificate for localhost, made by the JDK's keytool, as the master makes one.
   */
  static SSLContext selfSigned() throws Exception {
    Path store = shared.resolve("master.p12");
    char[] password = "changeit".toCharArray();
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Run made =
        DeployTools.run(
            List.of(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "master",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(password)));
    assertThat(made.exitCode()).as(made.output()).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    return ssl;
  }
}

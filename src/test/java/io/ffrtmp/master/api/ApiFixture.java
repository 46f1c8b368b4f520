package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;

import io.ffrtmp.cli.client.ApiClient;
import io.ffrtmp.cli.client.ApiClients;
import io.ffrtmp.cli.client.PinnedTrust;
import io.ffrtmp.live.RtmpConfig;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.master.store.NodeStore;
import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.node.StandaloneNode;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.support.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * A real HTTPS API server for a test class: either on a standalone node (master and worker running
 * real FFmpeg, on the embedded PostgreSQL in its data directory) or on a bare store (no worker:
 * jobs stay queued). Holds a token per role and an HTTP client that pins the server's self-signed
 * certificate.
 */
final class ApiFixture implements AutoCloseable {

  record Response(int status, String text, HttpHeaders headers) {
    JsonObject json() {
      return new JsonObject(text);
    }

    String field() {
      return json().getJsonObject("error").getString("field");
    }
  }

  final Path dataDir;
  final Vertx vertx;
  final JobStore store;
  final NodeStore nodes;
  ApiServer server;

  /** Starts this fixture's API server again on a given port (the same configuration otherwise). */
  private final java.util.function.IntFunction<io.vertx.core.Future<ApiServer>> restart;

  final String base;
  final SSLContext ssl;
  final HttpClient http;
  private final StandaloneNode node;
  final Map<Role, String> tokens = new EnumMap<>(Role.class);

  private ApiFixture(
      Path dataDir,
      Vertx vertx,
      JobStore store,
      ApiServer server,
      StandaloneNode node,
      java.util.function.IntFunction<io.vertx.core.Future<ApiServer>> restart)
      throws Exception {
    this.restart = restart;
    this.dataDir = dataDir;
    this.vertx = vertx;
    this.store = store;
    this.nodes = new NodeStore(store.pool());
    this.server = server;
    this.node = node;
    this.base = server.url("127.0.0.1");
    this.ssl = PinnedTrust.pinned(server.certificate());
    this.http =
        HttpClient.newBuilder()
            .sslContext(ssl)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String admin = Files.readString(server.adminKeyFile(), StandardCharsets.UTF_8).trim();
    tokens.put(
        Role.ADMIN,
        post("/api/v1/tokens", null, new JsonObject().put("api_key", admin).encode())
            .json()
            .getString("token"));
    for (Role r : List.of(Role.OPERATOR, Role.VIEWER)) {
      String key =
          post(
                  "/api/v1/keys",
                  tokens.get(Role.ADMIN),
                  new JsonObject().put("role", r.id()).put("name", "test " + r.id()).encode())
              .json()
              .getString("key");
      tokens.put(
          r,
          post("/api/v1/tokens", null, new JsonObject().put("api_key", key).encode())
              .json()
              .getString("token"));
    }
  }

  /**
   * A directory the embedded PostgreSQL (an unprivileged user when tests run as root) can pass
   * through.
   */
  static Path reachable(Path dir) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    return dir;
  }

  /**
   * Master and worker with real FFmpeg; power from the CPU model only, so the machine's sensors do
   * not matter.
   */
  static ApiFixture standalone(Path dir, UnaryOperator<ApiConfig> tweak) throws Exception {
    return standalone(dir, tweak, null);
  }

  /** {@code metricsToken}: the static token of /metrics and /metrics/targets; null for none. */
  static ApiFixture standalone(Path dir, UnaryOperator<ApiConfig> tweak, String metricsToken)
      throws Exception {
    return standalone(dir, dir.resolve("no-powercap"), 200, tweak, metricsToken);
  }

  /** As above, with power from the powercap tree at {@code powercap} and that poll interval. */
  static ApiFixture standalone(
      Path dir, Path powercap, long pollMs, UnaryOperator<ApiConfig> tweak, String metricsToken)
      throws Exception {
    return standalone(dir, powercap, pollMs, tweak, metricsToken, RtmpConfig.OFF);
  }

  /** A standalone node with this RTMP server ({@code embedded} for live jobs). */
  static ApiFixture standalone(Path dir, RtmpConfig rtmp, UnaryOperator<ApiConfig> tweak)
      throws Exception {
    return standalone(dir, dir.resolve("no-powercap"), 200, tweak, null, rtmp);
  }

  private static ApiFixture standalone(
      Path dir,
      Path powercap,
      long pollMs,
      UnaryOperator<ApiConfig> tweak,
      String metricsToken,
      RtmpConfig rtmp)
      throws Exception {
    Path data = reachable(dir).resolve("data");
    Files.createDirectories(dir.resolve("media"));
    PowerConfig power =
        new PowerConfig(powercap, Path.of("/proc"), pollMs, null, null)
            .withHwmonRoot(Files.createDirectories(dir.resolve("no-hwmon")))
            .withNvmlLibrary(null)
            .withPerfRoot(dir.resolve("no-perf"));
    StandaloneNode node =
        StandaloneNode.start(
            new NodeConfig(data, null, "ffmpeg", 1, power, List.of(dir.resolve("media")))
                .withRtmp(rtmp));
    try {
      ApiConfig config =
          tweak.apply(
              ApiConfig.defaults(data).withPort(0).withMediaRoots(List.of(dir.resolve("media"))));
      java.util.function.IntFunction<io.vertx.core.Future<ApiServer>> start =
          port ->
              ApiServer.start(
                  node.vertx(),
                  port < 0 ? config : config.withPort(port),
                  node.store(),
                  new NodeStore(node.store().pool()),
                  node.metrics().registry(),
                  new MetricsAccess(node.nodeId(), "standalone", metricsToken));
      ApiServer server = await(start.apply(-1), 60);
      return new ApiFixture(data, node.vertx(), node.store(), server, node, start);
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  /** The API on a fresh database of the shared embedded server, without a worker. */
  static ApiFixture storeOnly(Path dir, UnaryOperator<ApiConfig> tweak) throws Exception {
    return storeOnly(dir, tweak, MetricsAccess.DEFAULT);
  }

  static ApiFixture storeOnly(Path dir, UnaryOperator<ApiConfig> tweak, MetricsAccess access)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = await(TestDatabases.open(vertx, "embedded"), 120);
      JobStore store = new JobStore(pool);
      ApiConfig config = tweak.apply(ApiConfig.defaults(dir.resolve("data")).withPort(0));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      java.util.function.IntFunction<io.vertx.core.Future<ApiServer>> start =
          port ->
              ApiServer.start(
                  vertx,
                  port < 0 ? config : config.withPort(port),
                  store,
                  new NodeStore(pool),
                  registry,
                  access);
      ApiServer server = await(start.apply(-1), 60);
      return new ApiFixture(dir.resolve("data"), vertx, store, server, null, start);
    } catch (Exception e) {
      await(vertx.close(), 30);
      throw e;
    }
  }

  /** Closes the API server: its connections and event streams end; the node goes on. */
  void stopServer() throws Exception {
    await(server.close(), 10);
  }

  /** The API server again, on the same port and data directory (so tokens stay valid). */
  void startServer() throws Exception {
    server = await(restart.apply(server.port()), 60);
  }

  /** The node's Prometheus registry (a standalone fixture's; null for a store-only one). */
  io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry() {
    return node == null ? null : node.metrics().registry();
  }

  Response get(String path, String token) throws Exception {
    return send(request(path, token).GET());
  }

  Response post(String path, String token, String body) throws Exception {
    return send(
        request(path, token)
            .header("content-type", "application/json")
            .POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)));
  }

  Response delete(String path, String token) throws Exception {
    return send(request(path, token).DELETE());
  }

  /** Sends and reads only the status and headers (for event streams, which do not end). */
  int statusOnly(String path, String token) throws Exception {
    HttpResponse<InputStream> res =
        http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    res.body().close();
    return res.statusCode();
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    return b;
  }

  Response send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(res.statusCode(), res.body(), res.headers());
  }

  long count(String sql) throws Exception {
    return await(store.pool().query(sql).execute(), 30).iterator().next().getLong(0);
  }

  /** The command line's client, already holding this role's token. */
  ApiClient client(Role role) {
    return ApiClients.withToken(URI.create(base + "/"), ssl, tokens.get(role));
  }

  @Override
  @SuppressWarnings("try")
  public void close() throws Exception {
    try {
      await(server.close(), 10);
    } finally {
      if (node != null) {
        node.close();
      } else {
        await(vertx.close(), 30);
      }
    }
  }
}

package io.ffrtmp.bench;

import static io.ffrtmp.support.Await.await;

import io.ffrtmp.master.api.ApiConfig;
import io.ffrtmp.master.api.ApiServer;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.master.store.NodeStore;
import io.ffrtmp.support.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Benchmark, not a test: the REST API on loopback (HTTPS, JWT, contract validation, the spec
 * parser, PostgreSQL), job submission and job listing with 10,000 jobs stored. The API, its
 * database and this load generator share the machine, as they would on a standalone node. Usage:
 * {@code java -cp target/ffrtmp.jar:target/test-classes io.ffrtmp.bench.ApiLoad [SUBMISSIONS]
 * [CONCURRENCY]} (defaults 12000 and 32); prints requests/s and latency percentiles.
 */
public final class ApiLoad {

  static final String SPEC =
      "{\"scenario\": \"1080p30-h264\", \"input\": {\"duration_s\": 10}, \"video\": {\"encoder\":"
          + " \"libx264\", \"preset\": \"veryfast\"}, \"queue\": \"batch\"}";

  private ApiLoad() {}

  public static void main(String[] args) throws Exception {
    int submissions = args.length > 0 ? Integer.parseInt(args[0]) : 12_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    Vertx vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("ffrtmp-api-load");
    try {
      Pool pool = await(TestDatabases.open(vertx, "embedded"), 120);
      JobStore store = new JobStore(pool);
      ApiConfig config = ApiConfig.defaults(dir).withPort(0).withRate(1_000_000, 1_000_000);
      ApiServer server =
          await(
              ApiServer.start(
                  vertx,
                  config,
                  store,
                  new NodeStore(pool),
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
              60);
      HttpClient http =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setSsl(true)
                  .setTrustAll(true)
                  .setVerifyHost(false)
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(server.port())
                  .setKeepAlive(true),
              new PoolOptions().setHttp1MaxSize(concurrency));
      String key = Files.readString(server.adminKeyFile()).trim();
      String token =
          new JsonObject(
                  await(
                          call(
                              http,
                              HttpMethod.POST,
                              "/api/v1/tokens",
                              null,
                              new JsonObject().put("api_key", key).encode()),
                          30)
                      .toString())
              .getString("token");

      run(
          http,
          "warm-up submit",
          1000,
          concurrency,
          i -> call(http, HttpMethod.POST, "/api/v1/jobs", token, SPEC));
      Result submit =
          run(
              http,
              "submit",
              submissions,
              concurrency,
              i -> call(http, HttpMethod.POST, "/api/v1/jobs", token, SPEC));
      long stored =
          await(pool.query("SELECT count(*) FROM jobs").execute(), 30).iterator().next().getLong(0);
      System.out.printf(Locale.ROOT, "jobs stored: %d%n", stored);
      run(
          http,
          "warm-up list",
          500,
          8,
          i -> call(http, HttpMethod.GET, "/api/v1/jobs?limit=50", token, null));
      Result list =
          run(
              http,
              "list first page (50)",
              5000,
              8,
              i -> call(http, HttpMethod.GET, "/api/v1/jobs?limit=50", token, null));
      String cursor =
          new JsonObject(
                  await(call(http, HttpMethod.GET, "/api/v1/jobs?limit=500", token, null), 30)
                      .toString())
              .getString("next_cursor");
      Result deep =
          run(
              http,
              "list after a cursor, state filter (50)",
              5000,
              8,
              i ->
                  call(
                      http,
                      HttpMethod.GET,
                      "/api/v1/jobs?state=queued&limit=50&cursor=" + cursor,
                      token,
                      null));
      System.out.println();
      System.out.println(submit.line());
      System.out.println(list.line());
      System.out.println(deep.line());
      await(server.close(), 10);
    } finally {
      await(vertx.close(), 30);
    }
  }

  record Result(
      String name, int n, int concurrency, double seconds, long[] latencyNs, int failures) {
    String line() {
      long[] l = latencyNs.clone();
      Arrays.sort(l);
      return String.format(
          Locale.ROOT,
          "%-40s n=%d c=%d  %.0f req/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms  failures %d",
          name,
          n,
          concurrency,
          n / seconds,
          l[n / 2] / 1e6,
          l[(int) (n * 0.99)] / 1e6,
          l[n - 1] / 1e6,
          failures);
    }
  }

  /**
   * {@code n} requests, at most {@code concurrency} in flight; each one's latency from send to full
   * response.
   */
  static Result run(
      HttpClient http, String name, int n, int concurrency, IntFunction<Future<Buffer>> request)
      throws Exception {
    long[] latency = new long[n];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    AtomicInteger finished = new AtomicInteger();
    long start = System.nanoTime();
    Runnable[] issue = new Runnable[1];
    issue[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= n) {
            return;
          }
          long t0 = System.nanoTime();
          request
              .apply(i)
              .onComplete(
                  ar -> {
                    latency[i] = System.nanoTime() - t0;
                    if (ar.failed()) {
                      failures.incrementAndGet();
                    }
                    if (finished.incrementAndGet() == n) {
                      done.tryComplete();
                    } else {
                      issue[0].run();
                    }
                  });
        };
    for (int c = 0; c < concurrency; c++) {
      issue[0].run();
    }
    await(done.future(), 600);
    Result r =
        new Result(
            name, n, concurrency, (System.nanoTime() - start) / 1e9, latency, failures.get());
    System.out.println(r.line());
    return r;
  }

  static Future<Buffer> call(
      HttpClient http, HttpMethod method, String path, String token, String body) {
    RequestOptions o = new RequestOptions().setMethod(method).setURI(path);
    if (token != null) {
      o.putHeader("authorization", "Bearer " + token);
    }
    if (body != null) {
      o.putHeader("content-type", "application/json");
    }
    return http.request(o)
        .compose(req -> (body == null ? req.send() : req.send(body)))
        .compose(
            res ->
                res.body()
                    .compose(
                        b ->
                            res.statusCode() < 300
                                ? Future.succeededFuture(b)
                                : Future.failedFuture("HTTP " + res.statusCode() + ": " + b)));
  }
}

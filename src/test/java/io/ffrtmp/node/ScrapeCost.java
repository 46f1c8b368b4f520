package io.ffrtmp.node;

import io.ffrtmp.hardware.HardwareProbe;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.FakeHwmon;
import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.power.NvmlStub;
import io.ffrtmp.power.PowerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark, not a test: what a scrape of a worker's {@code /metrics} costs with every power source
 * at once (a two-socket RAPL tree, two GPUs through the real JNA binding to the NVML stub, an hwmon
 * tree) and the always-on meter reading them once a second, plus the JVM's and Vert.x's meters: the
 * render time of the registry (p50, p99, max over N scrapes), the same over HTTP on loopback, the
 * body's size and its number of series, and the process's CPU while the meter runs with no scrape.
 * Usage: {@code java -cp target/ffrtmp.jar:target/test-classes io.ffrtmp.node.ScrapeCost [SCRAPES]
 * [IDLE_SECONDS]} (needs gcc for the stub).
 */
public final class ScrapeCost {

  private ScrapeCost() {}

  public static void main(String[] args) throws Exception {
    int scrapes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    long idleSeconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
    Path dir = Files.createTempDirectory("ffrtmp-scrape-cost");
    FakePowercap rapl = FakePowercap.intel(dir.resolve("powercap"), 2);
    NvmlStub nvml =
        NvmlStub.build(dir)
            .set("count", 2)
            .gpu(0, "Stub GPU", 1_000_000)
            .gpu(1, "Stub GPU", 2_000_000);
    FakeHwmon hwmon = new FakeHwmon(dir.resolve("hwmon"));
    hwmon.write(hwmon.device(0, "amdgpu"), "power1_average", 30_000_000);
    PowerConfig config =
        new PowerConfig(rapl.root(), Path.of("/proc"), 1000, null, null)
            .withHwmonRoot(hwmon.root())
            .withNvmlLibrary(nvml.library());

    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    NodeMetrics metrics = new NodeMetrics();
    Vertx vertx =
        Vertx.builder()
            .with(metrics.options(new VertxOptions()))
            .withMetrics(metrics.factory())
            .build();
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      PowerMetrics.register(
          metrics.registry(), () -> meter, "bench-node-0", "worker", HardwareProbe.system().cpu());
      var server =
          Blocking.await(
              MetricsServer.start(vertx, new MetricsEndpoint("127.0.0.1", 0), metrics.registry()),
              30);
      Thread.sleep(2500);

      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      Thread.sleep(idleSeconds * 1000);
      double idleShare = 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - t0);

      for (int i = 0; i < 500; i++) {
        metrics.registry().scrape(); // warm-up: the JIT, not the steady state, would be timed
      }
      long[] render = new long[scrapes];
      String body = "";
      for (int i = 0; i < scrapes; i++) {
        long s = System.nanoTime();
        body = metrics.registry().scrape();
        render[i] = System.nanoTime() - s;
      }
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/metrics");
      long[] overHttp = new long[scrapes];
      for (int i = 0; i < scrapes; i++) {
        long s = System.nanoTime();
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        overHttp[i] = System.nanoTime() - s;
      }
      long series = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
      long ffrtmp = body.lines().filter(l -> l.startsWith("ffrtmp_")).count();
      System.out.printf(
          Locale.ROOT,
          "meter at 1 Hz (%s, zones %s), no scrape: process CPU %.3f %% of one core over %d s%n"
              + "registry render over %d scrapes: %s%n"
              + "GET /metrics on loopback: %s%n"
              + "body %d bytes, %d series (%d of them ffrtmp_*)%n",
          meter.source(),
          meter.zones(),
          idleShare,
          idleSeconds,
          scrapes,
          quantiles(render),
          quantiles(overHttp),
          body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
          series,
          ffrtmp);
    } finally {
      Blocking.await(vertx.close(), 30);
      metrics.close();
    }
  }

  /** p50, p99 and max of durations in nanoseconds, in milliseconds. */
  public static String quantiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "p50 %.3f ms, p99 %.3f ms, max %.3f ms",
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) Math.floor(sorted.length * 0.99)] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }
}

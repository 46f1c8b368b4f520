package io.ffrtmp.bench;

import com.sun.management.OperatingSystemMXBean;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.power.PowerConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Benchmark, not a test: the worker's own CPU use while it samples power, as a share of one core.
 * Opens the energy meter as the worker does and measures this process's CPU time across an idle
 * baseline window. Usage: {@code java -cp target/ffrtmp.jar:target/test-classes
 * io.ffrtmp.bench.SamplingCost SECONDS POLL_MS [model|fake-rapl]}: {@code model} reads /proc/stat
 * (this machine has no RAPL); {@code fake-rapl} reads a two-socket Intel powercap tree (package,
 * core, dram per socket) on local disk as a stand-in for real sysfs. Its counters stay still: a
 * feeder thread in this process would be measured too, and a read costs the same whatever the
 * value.
 */
public final class SamplingCost {

  private SamplingCost() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    long pollMs = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    boolean fakeRapl = args.length > 2 && args[2].equals("fake-rapl");
    Path powercap = Path.of("/sys/class/powercap");
    if (fakeRapl) {
      powercap = FakePowercap.intel(Files.createTempDirectory("ffrtmp-fake-rapl"), 2).root();
    }
    // The machine's own hwmon and NVML stay out of it: only the named source is measured.
    Path noHwmon = Files.createTempDirectory("ffrtmp-no-hwmon");
    System.out.println(
        measure(
            new PowerConfig(powercap, Path.of("/proc"), pollMs, null, null)
                .withHwmonRoot(noHwmon)
                .withNvmlLibrary(null)
                .withPerfRoot(noHwmon.resolve("no-perf")),
            seconds));
  }

  /**
   * Opens the meter, warms up, then measures this process's CPU time over an idle-baseline window;
   * one line.
   */
  public static String measure(PowerConfig config, long seconds) {
    var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long pollMs = config.pollIntervalMs();
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      // Warm up class loading and JIT so the window measures steady-state sampling.
      meter.measureIdle(Duration.ofSeconds(2));
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      var baseline = meter.measureIdle(Duration.ofSeconds(seconds));
      long cpuNs = os.getProcessCpuTime() - cpu0;
      long wallNs = System.nanoTime() - t0;
      return String.format(
          Locale.ROOT,
          "sampling at %d ms for %d s with %s (%s, zones %s): process CPU %.1f ms = %.4f %% of one"
              + " core; %d samples",
          pollMs,
          seconds,
          meter.provenance(),
          baseline.source(),
          meter.zones(),
          cpuNs / 1e6,
          100.0 * cpuNs / wallNs,
          baseline.samples());
    }
  }
}

package io.ffrtmp.power;

import io.ffrtmp.bench.SamplingCost;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark, not a test: the sampling cost with every CPU and GPU source this build reads enabled
 * at once — a two-socket RAPL tree (package, core, dram each) and two GPUs through the real JNA
 * binding to the NVML stub (energy, power, utilisation, per-process samples), plus a hwmon tree
 * that is discovered but not summed. Usage: {@code java -cp target/ffrtmp.jar:target/test-classes
 * io.ffrtmp.power.SamplingCostAllSources SECONDS POLL_MS} (needs gcc for the stub).
 */
public final class SamplingCostAllSources {

  private SamplingCostAllSources() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    long pollMs = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    Path dir = Files.createTempDirectory("ffrtmp-all-sources");
    FakePowercap rapl = FakePowercap.intel(dir.resolve("powercap"), 2);
    NvmlStub nvml =
        NvmlStub.build(dir)
            .set("count", 2)
            .gpu(0, "Stub GPU", 1_000_000)
            .gpu(1, "Stub GPU", 2_000_000)
            .set("proc_count.0", 1)
            .set("proc.0.0", ProcessHandle.current().pid() + " 1 40 5 55 20");
    FakeHwmon hwmon = new FakeHwmon(dir.resolve("hwmon"));
    hwmon.write(hwmon.device(0, "amdgpu"), "power1_average", 30_000_000);
    PowerConfig config =
        new PowerConfig(rapl.root(), Path.of("/proc"), pollMs, null, null)
            .withHwmonRoot(hwmon.root())
            .withNvmlLibrary(nvml.library());
    System.out.println(SamplingCost.measure(config, seconds));
  }
}

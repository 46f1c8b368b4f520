package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which source measures the cpu scope when powercap, the perf power PMU and hwmon are present or
 * not.
 */
class EnergyMeterPerfTest {

  @TempDir Path dir;

  private PowerConfig config(Path powercapRoot, FakePerfPower perf) {
    return PowerConfig.defaults()
        .withPowercapRoot(powercapRoot)
        .withProcRoot(dir.resolve("no-proc"))
        .withHwmonRoot(dir.resolve("no-hwmon"))
        .withNvmlLibrary(null)
        .withPollIntervalMs(100)
        .withPerfRoot(perf.perfRoot)
        .withCpuRoot(perf.cpuRoot);
  }

  private static SourceStatus status(EnergyMeter meter, String name) {
    return meter.sources().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void perfMeasuresTheCpuScopeWhenPowercapIsAbsent() throws Exception {
    FakePerfPower perf = new FakePerfPower(dir.resolve("sys"), 23, 0, 0, 1, 1);
    try (EnergyMeter meter =
        EnergyMeter.open(
            config(dir.resolve("no-powercap"), perf),
            CounterReader.FILES,
            TraceBuffer.DEFAULT_CAPACITY,
            perf)) {
      assertThat(meter.source()).isEqualTo("rapl-perf");
      assertThat(meter.provenance()).isEqualTo("measured");
      assertThat(meter.zones()).containsExactly("package-0", "package-1", "dram-0", "dram-1");
      SourceStatus s = status(meter, "rapl-perf");
      assertThat(s.usable()).isTrue();
      assertThat(s.detail()).startsWith("used:");
      assertThat(s.scope()).isEqualTo("cpu");
      assertThat(s.resolution()).contains("64-bit");
      assertThat(status(meter, "rapl-powercap").usable()).isFalse();

      Measurement m = meter.start();
      perf.add(2, 0, 40.0);
      perf.add(2, 2, 35.0);
      perf.add(3, 0, 3.0);
      perf.add(3, 2, 2.0);
      perf.add(1, 0, 25.0); // energy-cores, inside package 0: never added
      EnergyResult r = m.stop();
      assertThat(r.source()).isEqualTo("rapl-perf");
      assertThat(r.perZoneJoules().get("package-0")).isCloseTo(40.0, within(1e-6));
      assertThat(r.perZoneJoules().get("package-1")).isCloseTo(35.0, within(1e-6));
      assertThat(r.perZoneJoules().get("dram-0")).isCloseTo(3.0, within(1e-6));
      assertThat(r.perZoneJoules().get("dram-1")).isCloseTo(2.0, within(1e-6));
      assertThat(r.totalJoules()).isCloseTo(80.0, within(1e-6));
    }
    assertThat(perf.closed).isEqualTo(4);
  }

  @Test
  void raplPowercapIsKeptWhenBothArePresent() {
    FakePowercap powercap = FakePowercap.intel(dir.resolve("powercap"), 1);
    FakePerfPower perf = new FakePerfPower(dir.resolve("sys"), 23, 0, 0);
    try (EnergyMeter meter =
        EnergyMeter.open(
            config(powercap.root(), perf),
            CounterReader.FILES,
            TraceBuffer.DEFAULT_CAPACITY,
            perf)) {
      assertThat(meter.source()).isEqualTo("rapl-powercap");
      assertThat(meter.zones()).containsExactly("package-0", "dram-0");
      SourceStatus s = status(meter, "rapl-perf");
      assertThat(s.usable()).isTrue();
      assertThat(s.detail()).startsWith("not used: the cpu scope is measured by RAPL powercap");
      assertThat(perf.opened)
          .isEmpty(); // never two sources for one scope, not even an idle open fd
    }
  }

  @Test
  void refusedPerfFallsBackToTheModelAndSaysHowToAllowIt() {
    FakePerfPower perf = new FakePerfPower(dir.resolve("sys"), 23, 0);
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 2);
    PerfCounters refuse =
        (type, config, cpu) -> {
          throw new PerfCounter.OpenException(
              "perf_event_open failed: errno 13 (EACCES)", PerfCounter.EACCES);
        };
    PowerConfig config = config(dir.resolve("no-powercap"), perf).withProcRoot(stat.procRoot());
    try (EnergyMeter meter =
        EnergyMeter.open(config, CounterReader.FILES, TraceBuffer.DEFAULT_CAPACITY, refuse)) {
      assertThat(meter.source()).isEqualTo("cpu-utilisation-model");
      SourceStatus s = status(meter, "rapl-perf");
      assertThat(s.usable()).isFalse();
      assertThat(s.fix()).contains("sudo sysctl kernel.perf_event_paranoid=0");
    }
  }

  @Test
  void absentPmuIsListedAsUnusable() {
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 2);
    PowerConfig config =
        PowerConfig.defaults()
            .withPowercapRoot(dir.resolve("no-powercap"))
            .withProcRoot(stat.procRoot())
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withNvmlLibrary(null)
            .withPerfRoot(dir.resolve("no-perf"));
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      assertThat(meter.source()).isEqualTo("cpu-utilisation-model");
      SourceStatus s = status(meter, "rapl-perf");
      assertThat(s.usable()).isFalse();
      assertThat(s.detail()).isEqualTo("no power PMU under " + dir.resolve("no-perf"));
      assertThat(s.fix())
          .startsWith(
              "powercap and the perf power PMU are both absent: a VM or a kernel without RAPL");
    }
  }

  @Test
  void oldConstructorsTakeTheSystemDefaults() {
    PowerConfig five = new PowerConfig(dir, dir, 1000, null, null);
    assertThat(five.perfRoot()).isEqualTo(PowerConfig.DEFAULT_PERF_ROOT);
    assertThat(five.cpuRoot()).isEqualTo(PowerConfig.DEFAULT_CPU_ROOT);
    PowerConfig eight = new PowerConfig(dir, dir, 1000, null, null, dir, null, null);
    assertThat(eight.perfRoot()).isEqualTo(Path.of("/sys/bus/event_source/devices/power"));
    assertThat(eight.cpuRoot()).isEqualTo(Path.of("/sys/devices/system/cpu"));
    assertThat(eight.withPerfRoot(dir).perfRoot()).isEqualTo(dir);
    assertThat(eight.withCpuRoot(dir).cpuRoot()).isEqualTo(dir);
    assertThat(eight.withPerfRoot(dir).withPollIntervalMs(5).perfRoot()).isEqualTo(dir);
  }
}

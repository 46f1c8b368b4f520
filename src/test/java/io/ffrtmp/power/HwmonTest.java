package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hwmon counters and gauges against fake trees, and the one-source-per-scope rule against RAPL. */
class HwmonTest {

  @TempDir Path dir;

  private PowerConfig config(Path powercapRoot, FakeHwmon hwmon) {
    return PowerConfig.defaults()
        .withPowercapRoot(powercapRoot)
        .withProcRoot(dir.resolve("no-proc"))
        .withHwmonRoot(hwmon.root())
        .withNvmlLibrary(null)
        .withPollIntervalMs(100)
        .withPerfRoot(dir.resolve("no-perf"));
  }

  private static SourceStatus status(EnergyMeter meter, String name) {
    return meter.sources().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void gpuEnergyCounterDeviceIsDifferencedExactly() throws Exception {
    FakeHwmon hwmon = new FakeHwmon(dir.resolve("hwmon"));
    Path i915 = hwmon.device(3, "i915");
    hwmon.write(i915, "energy1_input", 1_000_000_000L);
    hwmon.write(i915, "energy2_input", 400_000_000L); // inside energy1 (card): never added
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root(), hwmon))) {
      Measurement m = meter.start();
      hwmon.write(i915, "energy1_input", 1_007_250_000L);
      hwmon.write(i915, "energy2_input", 405_000_000L);
      Thread.sleep(250);
      EnergyResult r = m.stop();
      assertThat(r.source()).isEqualTo("rapl-powercap+hwmon-energy");
      assertThat(r.zones()).containsExactly("package-0", "i915-hwmon3");
      assertThat(r.scopes().get(1))
          .isEqualTo(
              new ScopeEnergy(
                  "gpu",
                  "measured",
                  "hwmon-energy",
                  List.of("i915-hwmon3"),
                  r.scopes().get(1).joules()));
      assertThat(r.scopes().get(1).joules()).isCloseTo(7.25, within(1e-9));
      SourceStatus card = status(meter, "i915-hwmon3");
      assertThat(card.usable()).isTrue();
      assertThat(card.scope()).isEqualTo("gpu");
      assertThat(card.resolution()).startsWith("counter, µJ (energy1_input)");
      assertThat(status(meter, "i915-hwmon3-energy2_input").detail()).contains("not summed");
    }
  }

  @Test
  void powerGaugeDeviceIsIntegratedAndLabelledAsAGauge() throws Exception {
    FakeHwmon hwmon = new FakeHwmon(dir.resolve("hwmon"));
    Path amdgpu = hwmon.device(1, "amdgpu");
    hwmon.write(amdgpu, "power1_average", 50_000_000); // 50 W
    hwmon.write(amdgpu, "power1_input", 80_000_000); // instantaneous: the average is preferred
    hwmon.write(amdgpu, "power1_average_interval", 1000);
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root(), hwmon))) {
      Measurement m = meter.start();
      Thread.sleep(400);
      EnergyResult r = m.stop();
      ScopeEnergy gpu = r.scopes().get(1);
      assertThat(gpu.source()).isEqualTo("hwmon-power-gauge");
      assertThat(gpu.provenance()).isEqualTo("measured");
      assertThat(gpu.joules()).isCloseTo(50.0 * r.durationMs() / 1000.0, within(50.0 * 0.002));
      assertThat(r.source()).isEqualTo("rapl-powercap+hwmon-power-gauge");
      SourceStatus s = status(meter, "amdgpu-hwmon1");
      assertThat(s.resolution())
          .contains("gauge")
          .contains("power1_average")
          .contains("1000 ms")
          .contains("less accurate than a counter");
      assertThat(status(meter, "amdgpu-hwmon1-power1_input").detail()).contains("not summed");
    }
  }

  @Test
  void unreadableFileIsReportedAndTheDeviceFallsBackToItsGauge() {
    FakeHwmon hwmon = new FakeHwmon(dir.resolve("hwmon"));
    Path amdgpu = hwmon.device(0, "amdgpu");
    hwmon.write(amdgpu, "energy1_input", 5);
    hwmon.write(amdgpu, "power1_average", 20_000_000);
    // amdgpu answers ENODATA while the GPU sleeps; the seam raises what the kernel would.
    CounterReader reader =
        file -> {
          if (file.getFileName().toString().equals("energy1_input")) {
            throw new IOException("No data available");
          }
          return CounterReader.FILES.read(file);
        };
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    try (EnergyMeter meter =
        EnergyMeter.open(config(fake.root(), hwmon), reader, TraceBuffer.DEFAULT_CAPACITY)) {
      SourceStatus energy = status(meter, "amdgpu-hwmon0-energy1_input");
      assertThat(energy.usable()).isFalse();
      assertThat(energy.detail()).contains("cannot read").contains("No data available");
      assertThat(meter.source()).isEqualTo("rapl-powercap+hwmon-power-gauge");
      assertThat(meter.zones()).containsExactly("package-0", "amdgpu-hwmon0");
    }
  }

  @Test
  void raplPresentMeansHwmonCpuEnergyIsNotAdded() throws Exception {
    FakeHwmon hwmon = new FakeHwmon(dir.resolve("hwmon"));
    Path amd = amdEnergy(hwmon);
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root(), hwmon))) {
      Measurement m = meter.start();
      feeder.start(Map.of("intel-rapl:0", 30.0));
      hwmon.write(amd, "energy1_input", 9_000_000);
      Thread.sleep(300);
      feeder.stop();
      EnergyResult r = m.stop();
      assertThat(r.source()).isEqualTo("rapl-powercap");
      assertThat(r.zones()).containsExactly("package-0");
      assertThat(r.totalJoules()).isCloseTo(feeder.writtenJoules("intel-rapl:0"), within(1e-6));
      assertThat(r.scopes()).hasSize(1);
      SourceStatus socket = status(meter, "amd_energy-hwmon0");
      assertThat(socket.usable()).isTrue();
      assertThat(socket.scope()).isEqualTo("cpu");
      assertThat(socket.detail()).contains("not summed").contains("RAPL");
    }
  }

  @Test
  void withoutRaplHwmonCpuEnergyUsesSocketsNotCores() throws Exception {
    FakeHwmon hwmon = new FakeHwmon(dir.resolve("hwmon"));
    Path amd = amdEnergy(hwmon);
    Path meterDir = hwmon.device(1, "power_meter");
    hwmon.write(meterDir, "power1_average", 300_000_000);
    try (EnergyMeter meter = EnergyMeter.open(config(dir.resolve("absent"), hwmon))) {
      Measurement m = meter.start();
      hwmon.write(amd, "energy1_input", 4_000_000); // Ecore000
      hwmon.write(amd, "energy2_input", 14_500_000); // Esocket0: +12.5 J
      Thread.sleep(150);
      EnergyResult r = m.stop();
      assertThat(r.provenance()).isEqualTo("measured");
      assertThat(r.source()).isEqualTo("hwmon-energy");
      assertThat(r.zones()).containsExactly("amd_energy-hwmon0");
      assertThat(r.totalJoules()).isCloseTo(12.5, within(1e-9));
      assertThat(status(meter, "amd_energy-hwmon0-energy1_input").detail()).contains("not summed");
      SourceStatus board = status(meter, "power_meter-hwmon1");
      assertThat(board.scope()).isEqualTo("platform");
      assertThat(board.detail()).contains("not summed").contains("whole-board");
    }
  }

  @Test
  void missingHwmonTreeIsReportedNotFatal() {
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    PowerConfig config =
        PowerConfig.defaults()
            .withPowercapRoot(fake.root())
            .withHwmonRoot(dir.resolve("none"))
            .withNvmlLibrary(null);
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      SourceStatus hwmon = status(meter, "hwmon");
      assertThat(hwmon.usable()).isFalse();
      assertThat(hwmon.detail()).contains("no hwmon directory");
      assertThat(status(meter, "nvml").detail()).contains("not looked at");
    }
  }

  /**
   * amd_energy as before Linux 5.13: a per-core counter and a per-socket counter that contains it.
   */
  private static Path amdEnergy(FakeHwmon hwmon) {
    Path amd = hwmon.device(0, "amd_energy");
    hwmon.write(amd, "energy1_input", 1_000_000);
    hwmon.write(amd, "energy1_label", "Ecore000");
    hwmon.write(amd, "energy2_input", 2_000_000);
    hwmon.write(amd, "energy2_label", "Esocket0");
    return amd;
  }
}

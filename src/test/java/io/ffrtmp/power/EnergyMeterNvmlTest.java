package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meter against a C stub of libnvidia-ml loaded through the real JNA binding. The stub's energy
 * counter only moves when the test rewrites it, so GPU energy must match exactly (millijoule
 * resolution, float rounding only).
 */
class EnergyMeterNvmlTest {

  private static final double EXACT = 1e-9;

  @TempDir Path dir;

  private NvmlStub stub;

  @BeforeEach
  void buildStub() throws Exception {
    stub = NvmlStub.build(dir);
  }

  private PowerConfig config(Path powercapRoot) {
    return PowerConfig.defaults()
        .withPowercapRoot(powercapRoot)
        .withProcRoot(dir.resolve("no-proc"))
        .withHwmonRoot(dir.resolve("no-hwmon"))
        .withNvmlLibrary(stub.library())
        .withPollIntervalMs(100)
        .withPerfRoot(dir.resolve("no-perf"));
  }

  private static SourceStatus status(EnergyMeter meter, String name) {
    return meter.sources().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void devicesNamesUuidsAndStatusComeThroughTheBinding() {
    stub.set("count", 2)
        .gpu(0, "Tesla V100-SXM2-16GB", 5_000)
        .gpu(1, "NVIDIA H100 80GB HBM3", 7_000)
        .set("temp_rc.1", 3); // a sensor the GPU does not answer: NOT_SUPPORTED
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root()))) {
      List<GpuStatus> gpus = meter.gpus();
      assertThat(gpus)
          .extracting(GpuStatus::name)
          .containsExactly("Tesla V100-SXM2-16GB", "NVIDIA H100 80GB HBM3");
      assertThat(gpus)
          .extracting(GpuStatus::uuid)
          .containsExactly("GPU-00000000-stub", "GPU-00000001-stub");
      GpuStatus first = gpus.get(0);
      assertThat(first.zone()).isEqualTo("gpu-0");
      assertThat(first.energyCounter()).isTrue();
      assertThat(first.smPercent()).isEqualTo(40);
      assertThat(first.memoryPercent()).isEqualTo(10);
      assertThat(first.encoderPercent()).isEqualTo(55);
      assertThat(first.decoderPercent()).isEqualTo(20);
      assertThat(first.temperatureC()).isEqualTo(61);
      assertThat(first.graphicsClockMhz()).isEqualTo(1410);
      assertThat(first.memoryClockMhz()).isEqualTo(1215);
      assertThat(first.videoClockMhz()).isEqualTo(1275);
      assertThat(first.memoryTotalBytes()).isEqualTo(85_899_345_920L);
      assertThat(first.memoryUsedBytes()).isEqualTo(1_073_741_824L);
      assertThat(first.encoderSessions()).isEqualTo(2);
      assertThat(first.powerGaugeWatts()).isEqualTo(150.0);
      // Not read is null, never 0.
      assertThat(gpus.get(1).temperatureC()).isNull();
      JsonObject json = gpus.get(1).toJson();
      assertThat(json.containsKey("temperature_c")).isTrue();
      assertThat(json.getValue("temperature_c")).isNull();
      assertThat(json.getJsonObject("utilisation_percent").getInteger("encoder")).isEqualTo(56);

      assertThat(meter.source()).isEqualTo("rapl-powercap+nvml-energy");
      assertThat(meter.zones()).containsExactly("package-0", "gpu-0", "gpu-1");
      assertThat(status(meter, "nvml").usable()).isTrue();
      assertThat(status(meter, "gpu-0").scope()).isEqualTo("gpu");
      assertThat(status(meter, "gpu-0").path()).isEqualTo("GPU-00000000-stub");
      assertThat(status(meter, "gpu-0").resolution())
          .contains("mJ")
          .contains("nvmlDeviceGetTotalEnergyConsumption");
    }
  }

  @Test
  void gpuEnergyIsTheCounterDeltaOverTheWindow() throws Exception {
    stub.set("count", 1).gpu(0, "Tesla V100", 123_456_789);
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root()))) {
      Measurement m = meter.start();
      stub.set("energy_mj.0", 123_456_789 + 20_000); // 20 J before the first poll
      Thread.sleep(250);
      stub.set("energy_mj.0", 123_456_789 + 20_000 + 35_125); // 35.125 J more, seen by a later poll
      Thread.sleep(250);
      EnergyResult r = m.stop();
      assertThat(r.perZoneJoules().get("gpu-0")).isCloseTo(55.125, within(EXACT));
      assertThat(r.perZoneJoules().get("package-0")).isCloseTo(0.0, within(EXACT));
      assertThat(r.totalJoules()).isCloseTo(55.125, within(EXACT));
      assertThat(r.trace()).isNotEmpty();
      assertThat(r.peakWatts()).isPositive();
    }
  }

  @Test
  void counterNotSupportedMakesThatGpuUnusableWithTheReasonAndIsNeverGaugeIntegrated() {
    stub.set("count", 2)
        .gpu(0, "Tesla V100", 1_000)
        .gpu(1, "Tesla P100", 0)
        .set("energy_mj_rc.1", 3);
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root()))) {
      assertThat(meter.zones()).containsExactly("package-0", "gpu-0");
      SourceStatus p100 = status(meter, "gpu-1");
      assertThat(p100.usable()).isFalse();
      assertThat(p100.detail())
          .contains("Tesla P100")
          .contains("not supported")
          .contains("Not Supported")
          .contains("Volta")
          .contains("not integrated");
      assertThat(meter.gpus()).extracting(GpuStatus::energyCounter).containsExactly(true, false);
    }
  }

  @Test
  void onlyPreVoltaGpusMeansNoGpuScope() {
    stub.set("count", 1).gpu(0, "Tesla K80", 0).set("energy_mj_rc.0", 3);
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root()))) {
      EnergyResult r = meter.start().stop();
      assertThat(r.source()).isEqualTo("rapl-powercap");
      assertThat(r.scopes()).extracting(ScopeEnergy::scope).containsExactly("cpu");
      assertThat(meter.gpus()).hasSize(1);
    }
  }

  @Test
  void missingLibraryMeansNoGpuSourceAndSaysWhatToInstall() {
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    PowerConfig config =
        config(fake.root()).withNvmlLibrary(dir.resolve("absent/libnvidia-ml.so").toString());
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      SourceStatus nvml = status(meter, "nvml");
      assertThat(nvml.usable()).isFalse();
      assertThat(nvml.detail()).startsWith("libnvidia-ml not found");
      assertThat(nvml.fix())
          .isEqualTo(
              "install the NVIDIA driver (nvidia-driver / libnvidia-ml) if this node has an NVIDIA"
                  + " GPU");
      assertThat(nvml.scope()).isEqualTo("gpu");
      assertThat(meter.gpus()).isEmpty();
      assertThat(meter.source()).isEqualTo("rapl-powercap");
      assertThat(meter.start().stop().scopes()).hasSize(1);
    }
  }

  @Test
  void driverNotLoadedSaysSoAndHowToFixIt() {
    stub.set("init_rc", 9);
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root()))) {
      SourceStatus nvml = status(meter, "nvml");
      assertThat(nvml.usable()).isFalse();
      assertThat(nvml.detail()).contains("nvmlInit_v2").contains("Driver Not Loaded").contains("9");
      assertThat(nvml.fix()).contains("modprobe nvidia");
      assertThat(meter.zones()).containsExactly("package-0");
    }
  }

  @Test
  void raplPlusNvmlGivesTwoScopesAndATotalWithoutDoubleCounting() throws Exception {
    stub.set("count", 1).gpu(0, "NVIDIA A100", 900_000);
    FakePowercap fake = FakePowercap.intel(dir.resolve("powercap"), 1);
    // An amdgpu-style hwmon GPU sensor exists too: the gpu scope is NVML's, so it must not be
    // added.
    FakeHwmon hwmon = new FakeHwmon(dir.resolve("hwmon"));
    Path amdgpu = hwmon.device(0, "amdgpu");
    hwmon.write(amdgpu, "power1_average", 30_000_000);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake.root()).withHwmonRoot(hwmon.root()))) {
      Measurement m = meter.start();
      feeder.start(Map.of("intel-rapl:0", 20.0, "intel-rapl:0:1", 5.0));
      Thread.sleep(300);
      stub.set("energy_mj.0", 900_000 + 61_500);
      Thread.sleep(300);
      feeder.stop();
      EnergyResult r = m.stop();
      double cpu = feeder.writtenJoules("intel-rapl:0") + feeder.writtenJoules("intel-rapl:0:1");

      assertThat(r.provenance()).isEqualTo("measured");
      assertThat(r.source()).isEqualTo("rapl-powercap+nvml-energy");
      assertThat(r.zones()).containsExactly("package-0", "dram-0", "gpu-0");
      assertThat(r.totalJoules()).isCloseTo(cpu + 61.5, within(1e-6));
      assertThat(r.scopes()).hasSize(2);
      ScopeEnergy cpuScope = r.scopes().get(0);
      ScopeEnergy gpuScope = r.scopes().get(1);
      assertThat(cpuScope)
          .isEqualTo(
              new ScopeEnergy(
                  "cpu",
                  "measured",
                  "rapl-powercap",
                  List.of("package-0", "dram-0"),
                  cpuScope.joules()));
      assertThat(cpuScope.joules()).isCloseTo(cpu, within(1e-6));
      assertThat(gpuScope.scope()).isEqualTo("gpu");
      assertThat(gpuScope.source()).isEqualTo("nvml-energy");
      assertThat(gpuScope.zones()).containsExactly("gpu-0");
      assertThat(gpuScope.joules()).isCloseTo(61.5, within(EXACT));

      SourceStatus amd = status(meter, "amdgpu-hwmon0");
      assertThat(amd.usable()).isTrue();
      assertThat(amd.detail()).contains("not summed").contains("NVML");

      JsonObject json = r.toJson();
      assertThat(json.getString("source")).isEqualTo("rapl-powercap+nvml-energy");
      JsonObject gpuJson = json.getJsonArray("scopes").getJsonObject(1);
      assertThat(gpuJson.fieldNames())
          .containsExactly("scope", "provenance", "source", "zones", "joules");
      assertThat(gpuJson.getString("provenance")).isEqualTo("measured");
      assertThat(json.getJsonObject("per_zone_joules").getDouble("gpu-0"))
          .isCloseTo(61.5, within(EXACT));
    }
  }

  @Test
  void modelCpuWithMeasuredGpuIsEstimatedOverall() throws Exception {
    stub.set("count", 1).gpu(0, "NVIDIA L4", 0);
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 2);
    PowerConfig config = config(dir.resolve("absent")).withProcRoot(stat.procRoot());
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      Measurement m = meter.start();
      stub.set("energy_mj.0", 4_000);
      stat.advance(10, 10);
      Thread.sleep(150);
      EnergyResult r = m.stop();
      assertThat(r.provenance()).isEqualTo("estimated");
      assertThat(r.source()).isEqualTo("cpu-utilisation-model+nvml-energy");
      assertThat(r.model()).isNotNull();
      assertThat(r.scopes())
          .extracting(ScopeEnergy::provenance)
          .containsExactly("estimated", "measured");
      assertThat(r.scopes().get(1).joules()).isCloseTo(4.0, within(EXACT));
      assertThat(r.totalJoules()).isCloseTo(r.scopes().get(0).joules() + 4.0, within(1e-9));
    }
  }

  @Test
  void nvmlStaysUpForAWindowStillOpenAtClose() throws Exception {
    stub.set("count", 1).gpu(0, "Tesla V100", 0);
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    EnergyMeter meter = EnergyMeter.open(config(fake.root()));
    Measurement m = meter.start();
    stub.set("energy_mj.0", 2_500);
    meter.close();
    EnergyResult r = m.stop();
    assertThat(r.perZoneJoules().get("gpu-0")).isCloseTo(2.5, within(EXACT));
    assertThat(meter.gpus()).isEmpty();
  }
}

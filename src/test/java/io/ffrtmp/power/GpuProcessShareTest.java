package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-process GPU utilisation through the real JNA binding (nvmlDeviceGetProcessUtilization with
 * its 32-byte struct) against the gcc-built stub, whose samples the test writes as "pid timeStamp
 * sm mem enc dec".
 */
class GpuProcessShareTest {

  private static final long FFMPEG = 4242;
  private static final long OTHER = 777;

  @TempDir Path dir;

  private NvmlStub stub;
  private FakePowercap fake;

  @BeforeEach
  void setUp() throws Exception {
    stub = NvmlStub.build(dir);
    fake = FakePowercap.amd(dir.resolve("powercap"), 1);
  }

  private EnergyMeter open() {
    return EnergyMeter.open(
        PowerConfig.defaults()
            .withPowercapRoot(fake.root())
            .withProcRoot(dir.resolve("no-proc"))
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withNvmlLibrary(stub.library())
            .withPollIntervalMs(100));
  }

  private static long nowUs() {
    return System.currentTimeMillis() * 1000;
  }

  /** Sample line for the stub: pid, timeStamp (µs), sm, mem, enc, dec. */
  private static String sample(long pid, long timeStampUs, int sm, int mem, int enc, int dec) {
    return pid + " " + timeStampUs + " " + sm + " " + mem + " " + enc + " " + dec;
  }

  @Test
  void sampleStructHasNvmlsLayout() {
    // pid, 4 bytes padding, timeStamp at 8, then four unsigned ints: 32 bytes, as in nvml.h on
    // LP64.
    NvmlLibrary.ProcessUtilizationSample s = new NvmlLibrary.ProcessUtilizationSample();
    assertThat(s.size()).isEqualTo(32);
    s.pid = 11;
    s.timeStamp = 22;
    s.decUtil = 33;
    s.write();
    assertThat(s.getPointer().getInt(0)).isEqualTo(11);
    assertThat(s.getPointer().getLong(8)).isEqualTo(22);
    assertThat(s.getPointer().getInt(28)).isEqualTo(33);
  }

  @Test
  void trackedPidsShareIsItsEncDecSmWeightOverAllProcessesWeight() throws Exception {
    stub.set("count", 1).gpu(0, "NVIDIA L4", 1_000).set("proc_count.0", 0);
    try (EnergyMeter meter = open()) {
      long before = nowUs() - 5_000_000;
      // A sample from before the window: never counted.
      stub.set("proc_count.0", 1).set("proc.0.0", sample(FFMPEG, before, 90, 0, 90, 90));
      Measurement m = meter.start();
      long t = nowUs();
      // FFmpeg on NVENC/NVDEC: SM near zero, enc/dec busy. The other process runs a CUDA filter: SM
      // only.
      stub.set("proc_count.0", 3)
          .set("proc.0.1", sample(FFMPEG, t + 10, 2, 5, 60, 30))
          .set("proc.0.2", sample(OTHER, t + 20, 40, 12, 0, 0));
      Thread.sleep(
          250); // polls read these; FFmpeg's samples count although tracking starts afterwards
      m.trackProcess(FFMPEG);
      stub.set("proc_count.0", 5)
          .set("proc.0.3", sample(FFMPEG, t + 300_000, 1, 5, 50, 20))
          .set("proc.0.4", sample(OTHER, t + 300_010, 20, 3, 0, 0));
      Thread.sleep(250);
      stub.set("energy_mj.0", 31_000);
      EnergyResult r = m.stop();

      // FFmpeg: (2+60+30) + (1+50+20) = 163; other: 40 + 20 = 60; all = 223.
      GpuProcessShare share = r.gpuProcessShare().get("gpu-0");
      assertThat(share.processWeight()).isEqualTo(163);
      assertThat(share.allWeight()).isEqualTo(223);
      assertThat(share.samples()).isEqualTo(4);
      assertThat(share.processSamples()).isEqualTo(2);
      assertThat(share.share()).isCloseTo(163.0 / 223.0, within(1e-12));
      assertThat(r.gpuProcessShareNotes()).isEmpty();

      JsonObject json = r.toJson();
      JsonObject gpu0 = json.getJsonObject("gpu_process_share").getJsonObject("gpu-0");
      assertThat(gpu0.getDouble("share")).isCloseTo(163.0 / 223.0, within(1e-12));
      assertThat(gpu0.getLong("process_weight")).isEqualTo(163L);
      assertThat(gpu0.getLong("all_weight")).isEqualTo(223L);
      assertThat(gpu0.getInteger("samples")).isEqualTo(4);
      assertThat(json.containsKey("gpu_process_share_notes")).isFalse();
      // Existing fields are untouched: energy is the whole GPU's, the share is for the integrator
      // to apply.
      assertThat(r.perZoneJoules().get("gpu-0")).isCloseTo(30.0, within(1e-9));
      assertThat(json.getJsonArray("scopes").getJsonObject(1).getDouble("joules"))
          .isCloseTo(30.0, within(1e-9));
    }
  }

  @Test
  void twoGpusAreSplitSeparately() throws Exception {
    stub.set("count", 2).gpu(0, "NVIDIA L4", 0).gpu(1, "NVIDIA L4", 0);
    try (EnergyMeter meter = open()) {
      Measurement m = meter.start();
      m.trackProcess(FFMPEG);
      long t = nowUs();
      stub.set("proc_count.0", 2)
          .set("proc.0.0", sample(FFMPEG, t + 10, 0, 0, 75, 25))
          .set("proc.0.1", sample(OTHER, t + 10, 0, 0, 25, 75))
          .set("proc_count.1", 1)
          .set("proc.1.0", sample(OTHER, t + 10, 10, 0, 0, 0));
      EnergyResult r = m.stop();
      assertThat(r.gpuProcessShare().get("gpu-0").share()).isEqualTo(0.5);
      assertThat(r.gpuProcessShare().get("gpu-1").share()).isEqualTo(0.0);
      assertThat(r.gpuProcessShare().get("gpu-1").allWeight()).isEqualTo(10);
    }
  }

  @Test
  void noSamplesMeansShareNullNotZero() throws Exception {
    stub.set("count", 1).gpu(0, "NVIDIA L4", 0).set("proc_count.0", 0); // NOT_FOUND at every read
    try (EnergyMeter meter = open()) {
      Measurement m = meter.start();
      m.trackProcess(FFMPEG);
      Thread.sleep(150);
      EnergyResult r = m.stop();
      GpuProcessShare share = r.gpuProcessShare().get("gpu-0");
      assertThat(share.share()).isNull();
      assertThat(share.allWeight()).isZero();
      assertThat(share.samples()).isZero();
      JsonObject gpu0 = r.toJson().getJsonObject("gpu_process_share").getJsonObject("gpu-0");
      assertThat(gpu0.containsKey("share")).isTrue();
      assertThat(gpu0.getValue("share")).isNull();
      assertThat(r.gpuProcessShareNotes()).isEmpty();
    }
  }

  @Test
  void notSupportedLeavesTheGpuOutWithANote() throws Exception {
    // No proc_count key: the stub answers NVML_ERROR_NOT_SUPPORTED (3).
    stub.set("count", 1).gpu(0, "Tesla T4", 0);
    try (EnergyMeter meter = open()) {
      Measurement m = meter.start();
      m.trackProcess(FFMPEG);
      EnergyResult r = m.stop();
      assertThat(r.gpuProcessShare()).isEmpty();
      assertThat(r.gpuProcessShareNotes().get("gpu-0"))
          .contains("not supported")
          .contains("Not Supported");
      JsonObject json = r.toJson();
      assertThat(json.getJsonObject("gpu_process_share").containsKey("gpu-0")).isFalse();
      assertThat(json.getJsonObject("gpu_process_share_notes").getString("gpu-0"))
          .contains("not supported");
      assertThat(r.scopes()).extracting(ScopeEnergy::scope).containsExactly("cpu", "gpu");
    }
  }

  @Test
  void aFailingReadIsNotedAndTheNextReadCatchesUp() throws Exception {
    stub.set("count", 1)
        .gpu(0, "NVIDIA L4", 0)
        .set("proc_util_rc.0", 15); // GPU is lost, for a while
    try (EnergyMeter meter = open()) {
      Measurement m = meter.start();
      m.trackProcess(FFMPEG);
      long t = nowUs();
      stub.set("proc_count.0", 1).set("proc.0.0", sample(FFMPEG, t + 10, 5, 0, 40, 0));
      Thread.sleep(250);
      stub.set("proc_util_rc.0", -1); // a negative forced rc means none: the call works again
      EnergyResult r = m.stop();
      assertThat(r.gpuProcessShare().get("gpu-0").share()).isEqualTo(1.0);
      assertThat(r.gpuProcessShare().get("gpu-0").processWeight()).isEqualTo(45);
      assertThat(r.gpuProcessShareNotes().get("gpu-0")).contains("failed").contains("GPU is lost");
    }
  }

  @Test
  void withoutATrackedProcessOrAGpuScopeNothingIsAdded() throws Exception {
    stub.set("count", 1)
        .gpu(0, "NVIDIA L4", 0)
        .set("proc_count.0", 1)
        .set("proc.0.0", sample(OTHER, nowUs() + 1_000_000, 10, 0, 10, 10));
    try (EnergyMeter meter = open()) {
      EnergyResult r = meter.start().stop();
      assertThat(r.gpuProcessShare()).isNull();
      assertThat(r.toJson().containsKey("gpu_process_share")).isFalse();
      assertThat(r.toJson().containsKey("gpu_process_share_notes")).isFalse();
    }
    try (EnergyMeter meter =
        EnergyMeter.open(
            PowerConfig.defaults()
                .withPowercapRoot(fake.root())
                .withProcRoot(dir.resolve("no-proc"))
                .withHwmonRoot(dir.resolve("no-hwmon"))
                .withNvmlLibrary(null))) {
      Measurement m = meter.start();
      m.trackProcess(FFMPEG);
      EnergyResult r = m.stop();
      assertThat(r.gpuProcessShare()).isNull();
      assertThat(r.toJson().containsKey("gpu_process_share")).isFalse();
    }
  }
}

package io.ffrtmp.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareProbeTest {

  @TempDir Path tmp;

  @Test
  void twoSocketMachineFromFakeTrees() throws IOException {
    FakeMachine m =
        new FakeMachine(tmp)
            .cpuinfo(2, 4)
            .meminfo(32 * 1024 * 1024)
            .governor("powersave")
            .renderNode("renderD128", "0x8086", "0x3e92");

    CpuFacts cpu = m.probe().cpu();

    assertThat(cpu)
        .isEqualTo(
            new CpuFacts(
                "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz", 2, 8, 16, "powersave", 32L * 1024));
    assertThat(cpu.governorIsPerformance()).isFalse();
    assertThat(m.probe().gpus())
        .containsExactly(
            new GpuDevice(
                "Intel",
                "PCI 0x8086:0x3e92",
                m.dev.resolve("dri/renderD128").toString(),
                true,
                true));
  }

  @Test
  void missingFactsHaveHonestDefaults() throws IOException {
    FakeMachine m = new FakeMachine(tmp);
    Files.writeString(
        m.proc.resolve("cpuinfo"), "processor\t: 0\nHardware\t: BCM2835\n\nprocessor\t: 1\n");

    CpuFacts cpu = m.probe().cpu();

    assertThat(cpu.sockets()).isEqualTo(1);
    assertThat(cpu.threads()).isEqualTo(2);
    assertThat(cpu.physicalCores()).as("no core id: one core per thread").isEqualTo(2);
    assertThat(cpu.model()).isEqualTo("BCM2835");
    assertThat(cpu.governor()).isEqualTo("unknown");
    assertThat(cpu.memoryMb()).isNull();
    assertThat(m.probe().gpus()).isEmpty();
  }

  @Test
  void nvidiaFromDriverEntriesAndDeviceNode() throws IOException {
    FakeMachine m =
        new FakeMachine(tmp)
            .nvidia("NVIDIA GeForce RTX 3060", true)
            .renderNode("renderD128", "0x10de", "0x2504")
            .renderNode("renderD129", "0x1002", "0x73bf");

    List<GpuDevice> gpus = m.probe().gpus();

    assertThat(gpus)
        .extracting(GpuDevice::vendor, GpuDevice::model, GpuDevice::devicePresent)
        .containsExactly(
            Tuple.tuple("NVIDIA", "NVIDIA GeForce RTX 3060", true),
            Tuple.tuple("NVIDIA", "PCI 0x10de:0x2504", true),
            Tuple.tuple("AMD", "PCI 0x1002:0x73bf", true));
    assertThat(gpus.get(0).isRenderNode()).isFalse();
    assertThat(gpus.get(1).isRenderNode()).isTrue();
  }

  @Test
  void nvidiaDriverWithoutDeviceNodeIsReportedAsSuch() throws IOException {
    FakeMachine m = new FakeMachine(tmp).nvidia("Tesla T4", false);

    assertThat(m.probe().gpus())
        .containsExactly(
            new GpuDevice("NVIDIA", "Tesla T4", m.dev.resolve("nvidia0").toString(), false, false));
  }

  @Test
  void vendorIds() {
    assertThat(HardwareProbe.vendorName("0x8086")).isEqualTo("Intel");
    assertThat(HardwareProbe.vendorName("0x1002")).isEqualTo("AMD");
    assertThat(HardwareProbe.vendorName("0x10DE")).isEqualTo("NVIDIA");
    assertThat(HardwareProbe.vendorName("0x1af4")).isEqualTo("unknown (0x1af4)");
  }

  /**
   * This dev/CI machine is a VM without GPU or /dev/dri; whatever the machine, the probe must agree
   * with /dev.
   */
  @Test
  void realMachineAgreesWithDev() {
    HardwareProbe probe = HardwareProbe.system();
    CpuFacts cpu = probe.cpu();
    List<GpuDevice> gpus = probe.gpus();

    assertThat(cpu.threads()).isPositive();
    assertThat(cpu.physicalCores()).isBetween(1, cpu.threads());
    assertThat(cpu.sockets()).isPositive();
    assertThat(cpu.memoryMb()).isPositive();
    boolean cpufreq =
        Files.exists(Path.of("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
    assertThat(cpu.governor().equals("unknown")).isEqualTo(!cpufreq);
    assertThat(gpus.stream().anyMatch(GpuDevice::isRenderNode))
        .isEqualTo(Files.isDirectory(Path.of("/dev/dri")));
    if (!Files.exists(Path.of("/dev/dri"))
        && !Files.exists(Path.of("/dev/nvidia0"))
        && !Files.exists(Path.of("/proc/driver/nvidia"))) {
      assertThat(gpus).as("no GPU on this machine").isEmpty();
    }
  }
}

package io.ffrtmp.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.hardware.CpuFacts;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.power.NvmlStub;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.support.Scrape;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node power families as a scrape shows them: NVML's GPU readings in base units (ratios, hertz,
 * bytes), a reading NVML does not give left out rather than 0, the hardware facts, and nothing at
 * all before the worker has opened its meter.
 */
class PowerMetricsTest {

  @TempDir Path dir;

  private static final CpuFacts CPU = new CpuFacts("Test CPU 9000", 1, 4, 8, "performance", 1024L);

  @Test
  void gpuReadingsAreInBaseUnitsAndAMissingReadingHasNoSeries() throws Exception {
    NvmlStub stub = NvmlStub.build(dir);
    stub.set("count", 1).gpu(0, "NVIDIA L4", 5_000).set("temp_rc.0", 3);
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    PowerConfig config =
        PowerConfig.defaults()
            .withPowercapRoot(fake.root())
            .withProcRoot(dir.resolve("no-proc"))
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withNvmlLibrary(stub.library())
            .withPollIntervalMs(100)
            .withPerfRoot(dir.resolve("no-perf"));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      PowerMetrics.register(registry, () -> meter, "gpu-node-1a2b3c4d", "worker", CPU);
      Thread.sleep(350);
      Scrape s = new Scrape(registry.scrape());

      assertThat(s.value("ffrtmp_gpu_utilisation_ratio", "gpu", "0", "engine", "sm"))
          .isEqualTo(0.40);
      assertThat(s.value("ffrtmp_gpu_utilisation_ratio", "gpu", "0", "engine", "encoder"))
          .isEqualTo(0.55);
      assertThat(s.value("ffrtmp_gpu_utilisation_ratio", "gpu", "0", "engine", "decoder"))
          .isEqualTo(0.20);
      assertThat(s.value("ffrtmp_gpu_clock_hertz", "gpu", "0", "clock", "graphics"))
          .isEqualTo(1.41e9);
      assertThat(s.value("ffrtmp_gpu_memory_total_bytes", "gpu", "0")).isEqualTo(85_899_345_920.0);
      assertThat(s.value("ffrtmp_gpu_memory_used_bytes", "gpu", "0")).isEqualTo(1_073_741_824.0);
      assertThat(s.value("ffrtmp_gpu_encoder_sessions", "gpu", "0")).isEqualTo(2.0);
      assertThat(s.samples("ffrtmp_gpu_temperature_celsius")).isEmpty();
      assertThat(s.samples("ffrtmp_gpu_info", "gpu", "0", "name", "NVIDIA L4"))
          .as(s.text)
          .hasSize(1);
      assertThat(
              s.samples(
                  "ffrtmp_node_energy_joules_total",
                  "scope",
                  "gpu",
                  "zone",
                  "gpu-0",
                  "source",
                  "nvml-energy",
                  "provenance",
                  "measured"))
          .hasSize(1);
      assertThat(
              s.samples(
                  "ffrtmp_node_info",
                  "node",
                  "gpu-node-1a2b3c4d",
                  "role",
                  "worker",
                  "cpu_model",
                  "Test CPU 9000",
                  "gpus",
                  "1"))
          .hasSize(1);
      assertThat(s.samples("ffrtmp_power_source_up", "source", "nvml-energy")).hasSize(1);
      s.assertBoundedLabels();
      s.assertPromtoolPasses(dir);
    } finally {
      registry.close();
    }
  }

  @Test
  void beforeTheMeterIsOpenThereAreNoPowerFamilies() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PowerMetrics.register(registry, () -> null, "n", "worker", CPU);
    assertThat(registry.scrape()).doesNotContain("ffrtmp_");
    registry.close();
  }
}

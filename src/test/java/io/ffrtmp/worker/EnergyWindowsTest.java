package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EnergyWindowsTest {

  @Test
  void overlappingWindowsAreMarkedSharedOnBothSides() {
    EnergyWindows w = new EnergyWindows();
    EnergyWindows.Window a = w.open();
    assertThat(a.shared()).isFalse();
    EnergyWindows.Window b = w.open();
    assertThat(a.shared()).isTrue();
    assertThat(b.shared()).isTrue();
    w.close(a);
    w.close(b);
    assertThat(w.open().shared()).isFalse();
  }

  @Test
  void sharedEnergyIsSplitByCpuTime() {
    JsonObject node =
        new JsonObject()
            .put("total_joules", 100.0)
            .put("duration_ms", 10_000L)
            .put("per_zone_joules", new JsonObject().put("package-0", 80.0).put("dram-0", 20.0));
    JsonObject e = EnergyWindows.attribute(node, true, 6.0, 15.0, 2);
    assertThat(e.getDouble("total_joules")).isCloseTo(40.0, within(1e-9));
    assertThat(e.getJsonObject("per_zone_joules").getDouble("package-0"))
        .isCloseTo(32.0, within(1e-9));
    assertThat(e.getDouble("avg_watts")).isCloseTo(4.0, within(1e-9));
    assertThat(e.getJsonObject("attribution").getDouble("node_joules")).isEqualTo(100.0);
    assertThat(EnergyWindows.attribute(node, false, 6.0, 15.0, 2).getDouble("total_joules"))
        .isEqualTo(100.0);
    // Unknown CPU time: the node's figures stay, and say so.
    assertThat(
            EnergyWindows.attribute(node, true, null, 15.0, 2)
                .getJsonObject("attribution")
                .getString("method"))
        .isEqualTo("none");
  }

  @Test
  void gpuZonesAreSplitByEncoderDecoderUtilisationWhereNvmlHasIt() {
    JsonObject node =
        new JsonObject()
            .put("total_joules", 300.0)
            .put("duration_ms", 10_000L)
            .put(
                "per_zone_joules",
                new JsonObject().put("package-0", 100.0).put("gpu-0", 150.0).put("gpu-1", 50.0))
            .put(
                "gpu_process_share",
                new JsonObject()
                    .put(
                        "gpu-0",
                        new JsonObject()
                            .put("share", 0.8)
                            .put("process_samples", 4)
                            .put("all_weight", 200L)))
            .put(
                "gpu_process_share_notes",
                new JsonObject().put("gpu-1", "per-process utilisation not supported on gpu-1"));
    JsonObject e = EnergyWindows.attribute(node, true, 2.0, 10.0, 2);
    JsonObject zones = e.getJsonObject("per_zone_joules");
    assertThat(zones.getDouble("package-0")).isCloseTo(20.0, within(1e-9));
    assertThat(zones.getDouble("gpu-0")).isCloseTo(120.0, within(1e-9));
    assertThat(zones.getDouble("gpu-1")).isCloseTo(10.0, within(1e-9));
    assertThat(e.getDouble("total_joules")).isCloseTo(150.0, within(1e-9));
    assertThat(e.getJsonObject("gpu_attribution").getJsonObject("gpu-0").getString("method"))
        .isEqualTo("gpu-utilisation-share");
    assertThat(e.getJsonObject("gpu_attribution").getJsonObject("gpu-1").getString("fallback"))
        .contains("not supported");
  }

  @Test
  void samplesWithoutThisJobsPidFallBackToCpuTime() {
    JsonObject node =
        new JsonObject()
            .put("total_joules", 100.0)
            .put("duration_ms", 1_000L)
            .put("per_zone_joules", new JsonObject().put("gpu-0", 100.0))
            .put(
                "gpu_process_share",
                new JsonObject()
                    .put(
                        "gpu-0",
                        new JsonObject()
                            .put("share", 0.0)
                            .put("process_samples", 0)
                            .put("all_weight", 90L)));
    JsonObject e = EnergyWindows.attribute(node, true, 1.0, 4.0, 2);
    assertThat(e.getDouble("total_joules")).isCloseTo(25.0, within(1e-9));
    assertThat(e.getJsonObject("gpu_attribution").getJsonObject("gpu-0").getString("fallback"))
        .contains("pid");
  }
}

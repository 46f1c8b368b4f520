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
    JsonObject node = new JsonObject().put("total_joules", 100.0).put("duration_ms", 10_000L)
      .put("per_zone_joules", new JsonObject().put("package-0", 80.0).put("dram-0", 20.0));
    JsonObject e = EnergyWindows.attribute(node, true, 6.0, 15.0, 2);
    assertThat(e.getDouble("total_joules")).isCloseTo(40.0, within(1e-9));
    assertThat(e.getJsonObject("per_zone_joules").getDouble("package-0")).isCloseTo(32.0, within(1e-9));
    assertThat(e.getDouble("avg_watts")).isCloseTo(4.0, within(1e-9));
    assertThat(e.getJsonObject("attribution").getDouble("node_joules")).isEqualTo(100.0);
    assertThat(EnergyWindows.attribute(node, false, 6.0, 15.0, 2).getDouble("total_joules")).isEqualTo(100.0);
    // Unknown CPU time: the node's figures stay, and say so.
    assertThat(EnergyWindows.attribute(node, true, null, 15.0, 2).getJsonObject("attribution").getString("method"))
      .isEqualTo("none");
  }
}

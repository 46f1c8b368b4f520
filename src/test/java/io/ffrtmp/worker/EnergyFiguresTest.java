package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.power.ProcStat;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EnergyFiguresTest {

  private static JsonObject meter(double joules, long ms, String source) {
    return new JsonObject()
        .put("provenance", "measured")
        .put("source", source)
        .put("total_joules", joules)
        .put("duration_ms", ms);
  }

  @Test
  void perFrameAndAboveIdleFollowFromTotalWindowAndBaseline() {
    JsonObject idle = new JsonObject().put("avg_watts", 10.0).put("provenance", "measured");
    JsonObject e = EnergyFigures.of(meter(300, 10_000, "rapl-powercap"), 300, 10.0, idle);
    assertThat(e.getDouble("joules_per_frame")).isEqualTo(1.0);
    assertThat(e.getDouble("joules_per_second_of_output")).isEqualTo(30.0);
    assertThat(e.getDouble("above_idle_joules")).isCloseTo(200.0, within(1e-9));
    assertThat(e.getDouble("above_idle_joules_per_frame")).isCloseTo(200.0 / 300, within(1e-6));
    assertThat(e.getString("idle_provenance")).isEqualTo("measured");
    assertThat(e.containsKey("warnings")).isFalse();
  }

  @Test
  void withoutBaselineAboveIdleIsUnknownNotZero() {
    JsonObject e = EnergyFigures.of(meter(50, 5_000, "rapl-powercap"), 100, 5.0, null);
    assertThat(e.getValue("above_idle_joules")).isNull();
    assertThat(e.getValue("idle_watts")).isNull();
  }

  @Test
  void shortWindowForTheSourceResolutionCarriesAWarning() {
    assertThat(
            EnergyFigures.of(meter(5, 300, "cpu-utilisation-model"), 30, 1.0, null)
                .getJsonArray("warnings"))
        .singleElement()
        .asString()
        .contains("300 ms");
    assertThat(
            EnergyFigures.of(meter(5, 600, "cpu-utilisation-model"), 30, 1.0, null)
                .containsKey("warnings"))
        .isFalse();
    assertThat(
            EnergyFigures.of(meter(5, 300, "rapl-powercap"), 30, 1.0, null).containsKey("warnings"))
        .isFalse();
  }

  @Test
  void nodeBusyTimeIsTheJiffiesBetweenTheTwoReadsAndZeroWithoutOne() {
    assertThat(EnergyFigures.nodeBusyCpuS(new ProcStat(1_000, 500, 4), new ProcStat(1_250, 900, 4)))
        .isEqualTo(2.5);
    assertThat(EnergyFigures.nodeBusyCpuS(null, new ProcStat(1_250, 900, 4))).isZero();
  }
}

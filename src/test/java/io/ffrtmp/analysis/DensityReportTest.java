package io.ffrtmp.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A density step judged from its streams, and the table saying how its energy was obtained. */
class DensityReportTest {

  static JsonObject stream(boolean holds, double watts, String provenance, String source) {
    JsonObject r =
        new JsonObject()
            .put("state", "succeeded")
            .put("frames", 300)
            .put(
                "live",
                new JsonObject()
                    .put("holds_realtime", holds)
                    .put("min_window_speed", holds ? 1.0 : 0.95)
                    .put("watts_per_stream", watts));
    if (provenance != null) {
      r.put(
          "energy",
          new JsonObject()
              .put("total_joules", watts * 10)
              .put("duration_ms", 10_000)
              .put("provenance", provenance)
              .put("source", source)
              .put("attribution", new JsonObject().put("node_joules", 300.0)));
    }
    return r;
  }

  @Test
  void aStepHoldsOnlyWhenEveryStreamHoldsAndSaysHowItsEnergyWasObtained() {
    JsonObject held =
        DensityReport.step(
            2,
            1,
            List.of(
                stream(true, 10, "measured", "rapl-powercap"),
                stream(true, 12, "measured", "rapl-powercap")));
    assertThat(held.getBoolean("held")).isTrue();
    assertThat(held.getDouble("watts_per_stream")).isEqualTo(11.0);
    assertThat(held.getDouble("node_watts")).isEqualTo(30.0);
    assertThat(held.getDouble("joules_per_frame")).isCloseTo(220.0 / 600, within());
    assertThat(held.getString("energy_provenance")).isEqualTo("measured");

    JsonObject failed =
        DensityReport.step(
            3,
            2,
            List.of(
                stream(true, 10, "estimated", "cpu-utilisation-model"),
                stream(false, 10, "estimated", "cpu-utilisation-model"),
                stream(true, 10, null, null)));
    assertThat(failed.getBoolean("held")).isFalse();
    assertThat(failed.getInteger("streams_holding")).isEqualTo(2);
    assertThat(failed.getDouble("joules_per_frame")).as("one stream has no energy").isNull();
    assertThat(failed.getString("energy_provenance")).isEqualTo("estimated");

    String table =
        DensityReport.table(
            new JsonObject()
                .put("schedule", "double-then-bisect")
                .put("window_s", 10.0)
                .put("largest_n", 2)
                .put("steps", new JsonArray().add(held).add(failed)));
    assertThat(table)
        .contains("largest N that held realtime: 2")
        .contains("measured: rapl-powercap")
        .contains("estimated: cpu-utilisation-model")
        .contains("2 " + DensityReport.MARK);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}

package io.ffrtmp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class NoisyBaselineTest {

  @Test
  void warnsWhenTheIdleSpreadIsAboveTenPercent() {
    assertThat(
            BenchRun.noisyBaselineWarning(
                new JsonObject().put("avg_watts", 20.0).put("stddev_watts", 1.0)))
        .isEmpty();
    assertThat(
            BenchRun.noisyBaselineWarning(
                new JsonObject().put("avg_watts", 20.0).put("stddev_watts", 5.0)))
        .get()
        .asString()
        .contains("noisy")
        .contains("25 %");
    assertThat(BenchRun.noisyBaselineWarning(null)).isEmpty();
    // A small machine's own background: 20 % of 1.7 W is still under half a watt.
    assertThat(
            BenchRun.noisyBaselineWarning(
                new JsonObject().put("avg_watts", 1.74).put("stddev_watts", 0.36)))
        .isEmpty();
  }
}

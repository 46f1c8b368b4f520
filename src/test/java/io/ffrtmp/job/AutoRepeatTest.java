package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AutoRepeatTest {

  /** Runs a configuration whose J/frame is normal(mean, sd) until the rule stops it. */
  private static List<Double> runUntilStopped(AutoRepeat rule, double mean, double sd, long seed) {
    Random random = new Random(seed);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < rule.min(); i++) {
      values.add(mean + sd * random.nextGaussian());
    }
    while (rule.wantsAnother(values, values.size())) {
      values.add(mean + sd * random.nextGaussian());
    }
    return values;
  }

  @Test
  void aQuietSeriesStopsOnceTheIntervalIsTight() {
    for (long seed = 1; seed <= 20; seed++) {
      List<Double> v = runUntilStopped(AutoRepeat.DEFAULT, 0.1, 0.002, seed);
      assertThat(v.size()).isBetween(3, 10);
      assertThat(AutoRepeat.DEFAULT.converged(v)).as("seed %d", seed).isTrue();
      assertThat(AutoRepeat.relativeHalfWidth(v)).isLessThanOrEqualTo(0.03);
    }
  }

  @Test
  void aNoisySeriesNeedsMoreRunsAndAVeryNoisyOneStopsAtTheCap() {
    // 5 % relative spread: three runs give a ±12 % interval; about a dozen would be needed.
    int total = 0;
    for (long seed = 1; seed <= 20; seed++) {
      List<Double> v = runUntilStopped(AutoRepeat.DEFAULT, 0.1, 0.005, seed);
      assertThat(v.size()).isBetween(3, 10);
      total += v.size();
    }
    assertThat(total / 20.0).isGreaterThan(6);
    List<Double> wild = runUntilStopped(AutoRepeat.DEFAULT, 0.1, 0.05, 7);
    assertThat(wild).hasSize(10);
    JsonObject d = AutoRepeat.DEFAULT.describe(wild, wild.size());
    assertThat(d.getBoolean("converged")).isFalse();
    assertThat(d.getString("stopped_because")).isEqualTo("cap of 10 runs reached");
    assertThat(d.getInteger("runs")).isEqualTo(10);
  }

  @Test
  void theIntervalIsTheReportsStudentT() {
    // 1.0, 1.2, 1.1: 1.1 ± 4.302653 × 0.1 / √3 (docs/analysis.md's example).
    assertThat(AutoRepeat.relativeHalfWidth(List.of(1.0, 1.2, 1.1)))
        .isCloseTo(
            4.302653 * 0.1 / Math.sqrt(3) / 1.1, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(AutoRepeat.relativeHalfWidth(List.of(1.0))).isNull();
  }

  @Test
  void failuresCountTowardTheCapAndStopABrokenConfiguration() {
    assertThat(AutoRepeat.DEFAULT.wantsAnother(List.of(0.1), 3)).isFalse(); // 2 failed, 1 ok
    assertThat(AutoRepeat.DEFAULT.wantsAnother(List.of(0.1, 0.2), 3)).isTrue();
    assertThat(AutoRepeat.DEFAULT.wantsAnother(List.of(0.1, 0.1, 0.1), 10)).isFalse();
  }

  @Test
  void theRuleIsReadFromTheCampaignAndChecked() {
    assertThat(AutoRepeat.of(new JsonObject().put("repeat", 3))).isNull();
    assertThat(AutoRepeat.of(new JsonObject().put("repeat", "auto"))).isEqualTo(AutoRepeat.DEFAULT);
    assertThat(
            AutoRepeat.of(
                new JsonObject()
                    .put("repeat", "auto")
                    .put("repeat_auto", new JsonObject().put("ci_within", 0.05).put("min", 2))))
        .isEqualTo(new AutoRepeat(0.05, 2, 10));
    assertThatThrownBy(
            () ->
                AutoRepeat.of(
                    new JsonObject().put("repeat", 2).put("repeat_auto", new JsonObject())))
        .isInstanceOf(SpecException.class)
        .hasFieldOrPropertyWithValue("field", "repeat_auto");
    assertThatThrownBy(
            () ->
                AutoRepeat.of(
                    new JsonObject()
                        .put("repeat", "auto")
                        .put("repeat_auto", new JsonObject().put("ci_within", 0))))
        .hasFieldOrPropertyWithValue("field", "repeat_auto.ci_within");
    assertThatThrownBy(
            () ->
                AutoRepeat.of(
                    new JsonObject()
                        .put("repeat", "auto")
                        .put("repeat_auto", new JsonObject().put("min", 5).put("max", 4))))
        .hasFieldOrPropertyWithValue("field", "repeat_auto.max")
        .hasMessageContaining("5 to 100");
  }
}

package io.ffrtmp.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeanWithIntervalTest {
  @Test
  void studentTIntervalOfThreeRuns() {
    MeanWithInterval ci = MeanWithInterval.of(List.of(1.0, 1.2, 1.1));
    assertThat(ci.mean()).isCloseTo(1.1, within(1e-12));
    assertThat(ci.n()).isEqualTo(3);
    // t(0.975, 2) = 4.302653, s = 0.1
    assertThat(ci.ci95HalfWidth()).isCloseTo(4.302653 * 0.1 / Math.sqrt(3), within(1e-6));
    assertThat(ci.ci95HalfWidth()).isCloseTo(0.2484, within(1e-4));
    assertThat(ci.lower()).isCloseTo(1.1 - 0.24841, within(1e-4));
    assertThat(ci.upper()).isCloseTo(1.1 + 0.24841, within(1e-4));
  }

  @Test
  void singleRunHasNoInterval() {
    MeanWithInterval ci = MeanWithInterval.of(List.of(0.7));
    assertThat(ci.mean()).isEqualTo(0.7);
    assertThat(ci.hasInterval()).isFalse();
    assertThat(ci.ci95HalfWidth()).isNull();
    assertThat(ci.lower()).isNull();
    assertThat(ci.toJson().getValue("ci95_half_width")).isNull();
  }

  @Test
  void noRunsHaveNoMean() {
    assertThat(MeanWithInterval.of(List.of())).isNull();
  }
}

package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LinearFitTest {

  @Test
  void pointsOnALineGiveThatLineExactly() {
    LinearFit fit =
        LinearFit.of(
            new double[] {0, 0.3, 0.6, 1.0}, new double[] {12, 12 + 0.3 * 48, 12 + 0.6 * 48, 60});

    assertThat(fit.idleWatts()).isCloseTo(12, within(1e-9));
    assertThat(fit.maxWatts()).isCloseTo(60, within(1e-9));
    assertThat(fit.r2()).isCloseTo(1.0, within(1e-12));
    assertThat(fit.rmseWatts()).isCloseTo(0, within(1e-9));
    assertThat(fit.maxAbsErrorWatts()).isCloseTo(0, within(1e-9));
  }

  @Test
  void noisyPointsGiveTheLeastSquaresLineAndItsError() {
    // Expected values from numpy.polyfit(u, w, 1) and the residuals by hand: RMSE = sqrt(SSE / n).
    LinearFit fit =
        LinearFit.of(
            new double[] {0, 0.25, 0.5, 0.75, 1.0}, new double[] {10.5, 19.0, 31.0, 39.5, 50.5});

    assertThat(fit.interceptWatts()).isCloseTo(10.0, within(1e-9));
    assertThat(fit.slopeWatts()).isCloseTo(40.2, within(1e-9));
    assertThat(fit.maxWatts()).isCloseTo(50.2, within(1e-9));
    assertThat(fit.r2()).isCloseTo(0.9973585464599586, within(1e-12));
    assertThat(fit.rmseWatts()).isCloseTo(0.7314369419163894, within(1e-12));
    assertThat(fit.maxAbsErrorWatts()).isCloseTo(1.05, within(1e-12));
  }

  @Test
  void oneUtilisationHasNoSlope() {
    assertThatThrownBy(() -> LinearFit.of(new double[] {0.5, 0.5}, new double[] {10, 11}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same utilisation");
    assertThatThrownBy(() -> LinearFit.of(new double[] {0.5}, new double[] {10}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least two points");
  }
}

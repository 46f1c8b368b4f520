package io.ffrtmp.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.analysis.Bjontegaard.Delta;
import io.ffrtmp.analysis.Bjontegaard.Fit;
import io.ffrtmp.analysis.Bjontegaard.Point;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BD-rate and BD-energy on curves whose answer is known. The example curves are the four-point
 * anchor and test of the widely used reference scripts; their expected values were computed
 * independently with numpy and scipy:
 *
 * <pre>
 * l1, l2 = np.log10(R1), np.log10(R2); lo, hi = max(P1.min(), P2.min()), min(P1.max(), P2.max())
 * cubic: i = np.polyint(np.polyfit(P, l, 3)); I = polyval(i, hi) - polyval(i, lo)
 * pchip: I = PchipInterpolator(sorted P, l).integrate(lo, hi)
 * (10 ** ((I2 - I1) / (hi - lo)) - 1) * 100
 * </pre>
 */
class BjontegaardTest {

  private static List<Point> curve(double[] rate, double[] quality) {
    List<Point> p = new ArrayList<>();
    for (int i = 0; i < rate.length; i++) {
      p.add(new Point(rate[i], quality[i]));
    }
    return p;
  }

  static final double[] R1 = {686.76, 309.58, 157.11, 85.95};
  static final double[] P1 = {40.28, 37.18, 34.24, 31.42};
  static final double[] R2 = {893.34, 407.8, 204.93, 112.75};
  static final double[] P2 = {40.39, 37.21, 34.17, 31.24};

  /** By hand: 0.8 × the rate everywhere shifts log10(rate) by log10(0.8), so −20 % exactly. */
  @Test
  void aConstantRatioIsThatRatioWithEitherFit() {
    double[] scaled = new double[R1.length];
    for (int i = 0; i < R1.length; i++) {
      scaled[i] = R1[i] * 0.8;
    }
    for (Fit fit : Fit.values()) {
      Delta d = Bjontegaard.delta(curve(R1, P1), curve(scaled, P1), fit);
      assertThat(d.percent()).as(fit.name()).isCloseTo(-20.0, within(1e-9));
      assertThat(d.overlapLow()).isEqualTo(31.42);
      assertThat(d.overlapHigh()).isEqualTo(40.28);
      assertThat(d.overlapFraction()).isCloseTo(1.0, within(1e-12));
      assertThat(d.tooSmall()).isFalse();
    }
  }

  @Test
  void bdRateOfTheReferenceExampleMatchesTheReferenceComputation() {
    Delta cubic = Bjontegaard.delta(curve(R1, P1), curve(R2, P2), Fit.CUBIC);
    Delta pchip = Bjontegaard.delta(curve(R1, P1), curve(R2, P2), Fit.PCHIP);
    assertThat(cubic.percent()).isCloseTo(31.397374, within(1e-5));
    assertThat(pchip.percent()).isCloseTo(31.379878, within(1e-5));
    assertThat(cubic.overlapLow()).isEqualTo(31.42);
    assertThat(cubic.overlapHigh()).isEqualTo(40.28);
  }

  /** BD-energy: J/frame in the rate's place; the test configuration spends about a quarter less. */
  @Test
  void bdEnergyIsTheSameConstructionOnJoulesPerFrame() {
    double[] e1 = {0.120, 0.095, 0.080, 0.070};
    double[] e2 = {0.090, 0.072, 0.060, 0.052};
    assertThat(Bjontegaard.delta(curve(e1, P1), curve(e2, P2), Fit.CUBIC).percent())
        .isCloseTo(-24.739114, within(1e-5));
    assertThat(Bjontegaard.delta(curve(e1, P1), curve(e2, P2), Fit.PCHIP).percent())
        .isCloseTo(-24.744373, within(1e-5));
  }

  @Test
  void aSmallOverlapIsFlaggedAndNoOverlapIsRefused() {
    double[] high = {45.0, 43.0, 41.0, 39.5};
    Delta d = Bjontegaard.delta(curve(R1, P1), curve(R2, high), Fit.PCHIP);
    assertThat(d.overlapLow()).isEqualTo(39.5);
    assertThat(d.overlapHigh()).isEqualTo(40.28);
    assertThat(d.tooSmall()).isTrue();
    double[] higher = {50.0, 48.0, 46.0, 44.0};
    assertThatThrownBy(() -> Bjontegaard.delta(curve(R1, P1), curve(R2, higher), Fit.CUBIC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not overlap");
  }

  @Test
  void tooFewPointsOrBadRatesSayWhichCurve() {
    List<Point> three = curve(new double[] {100, 200, 300}, new double[] {30, 33, 36});
    assertThatThrownBy(() -> Bjontegaard.delta(curve(R1, P1), three, Fit.CUBIC))
        .hasMessageStartingWith("test: at least 4 points");
    List<Point> zero = curve(new double[] {0, 200, 300, 400}, new double[] {30, 33, 36, 39});
    assertThatThrownBy(() -> Bjontegaard.delta(zero, curve(R1, P1), Fit.CUBIC))
        .hasMessageStartingWith("baseline: rates must be positive");
  }
}

package io.ffrtmp.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.analysis.polynomials.PolynomialFunction;
import org.apache.commons.math3.fitting.PolynomialCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoints;

/**
 * Bjøntegaard deltas: the average difference between two rate–quality curves over the quality range
 * both cover. Each curve is log10(rate) as a function of quality, fitted either by a cubic
 * polynomial (least squares; Bjøntegaard's VCEG-M33 original) or by a monotone piecewise cubic
 * through the points (Fritsch–Carlson PCHIP, as the later reference scripts use); both integrals
 * are taken exactly over the overlap, and the mean log difference becomes a per cent: {@code
 * (10^((I_test - I_base) / (hi - lo)) - 1) × 100}. BD-rate takes the bitrate as the "rate";
 * BD-energy takes energy per frame in its place, the same construction. Negative: the test
 * configuration needs less at equal quality.
 */
public final class Bjontegaard {

  /** How each curve is fitted. */
  public enum Fit {
    CUBIC,
    PCHIP
  }

  /** One encode: its rate (kbit/s, or J/frame for BD-energy) and its quality (dB, VMAF, SSIM). */
  public record Point(double rate, double quality) {}

  /**
   * The delta in per cent, the overlapping quality range, and how much of the narrower curve's
   * range it covers; {@code tooSmall} when that is under {@link #MIN_OVERLAP} (the figure then
   * extrapolates more than it measures).
   */
  public record Delta(
      double percent,
      double overlapLow,
      double overlapHigh,
      double overlapFraction,
      Fit fit,
      boolean tooSmall) {}

  /**
   * Under this share of the narrower curve's quality range, the overlap is too small to mean much.
   */
  public static final double MIN_OVERLAP = 0.5;

  private Bjontegaard() {}

  /**
   * The test curve against the baseline. Each needs at least 4 points with positive rates and
   * distinct qualities (a cubic has 4 coefficients); throws {@link IllegalArgumentException} saying
   * which, or when the curves do not overlap at all.
   */
  public static Delta delta(List<Point> baseline, List<Point> test, Fit fit) {
    List<Point> b = checked("baseline", baseline);
    List<Point> t = checked("test", test);
    double lo = Math.max(b.get(0).quality(), t.get(0).quality());
    double hi = Math.min(b.get(b.size() - 1).quality(), t.get(t.size() - 1).quality());
    if (!(hi > lo)) {
      throw new IllegalArgumentException(
          "the curves' quality ranges do not overlap (baseline "
              + range(b)
              + ", test "
              + range(t)
              + ")");
    }
    double ib = integral(b, fit, lo, hi);
    double it = integral(t, fit, lo, hi);
    double percent = (Math.pow(10, (it - ib) / (hi - lo)) - 1) * 100;
    double narrower = Math.min(span(b), span(t));
    double fraction = (hi - lo) / narrower;
    return new Delta(percent, lo, hi, fraction, fit, fraction < MIN_OVERLAP);
  }

  private static List<Point> checked(String which, List<Point> points) {
    if (points == null || points.size() < 4) {
      throw new IllegalArgumentException(
          which + ": at least 4 points are needed, got " + (points == null ? 0 : points.size()));
    }
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(Point::quality));
    for (int i = 0; i < sorted.size(); i++) {
      Point p = sorted.get(i);
      if (!(p.rate() > 0) || !Double.isFinite(p.rate()) || !Double.isFinite(p.quality())) {
        throw new IllegalArgumentException(which + ": rates must be positive and finite: " + p);
      }
      if (i > 0 && sorted.get(i - 1).quality() == p.quality()) {
        throw new IllegalArgumentException(
            which + ": two points at the same quality " + p.quality());
      }
    }
    return sorted;
  }

  private static String range(List<Point> p) {
    return p.get(0).quality() + "–" + p.get(p.size() - 1).quality();
  }

  private static double span(List<Point> p) {
    return p.get(p.size() - 1).quality() - p.get(0).quality();
  }

  private static double integral(List<Point> p, Fit fit, double lo, double hi) {
    return fit == Fit.CUBIC ? cubicIntegral(p, lo, hi) : pchipIntegral(p, lo, hi);
  }

  /** ∫ of the least-squares cubic through (quality, log10 rate), from lo to hi. */
  static double cubicIntegral(List<Point> p, double lo, double hi) {
    WeightedObservedPoints obs = new WeightedObservedPoints();
    p.forEach(x -> obs.add(x.quality(), Math.log10(x.rate())));
    double[] c = PolynomialCurveFitter.create(3).fit(obs.toList());
    double[] anti = new double[c.length + 1]; // ∫ Σ c_i x^i = Σ c_i x^(i+1) / (i+1)
    for (int i = 0; i < c.length; i++) {
      anti[i + 1] = c[i] / (i + 1);
    }
    PolynomialFunction antiderivative = new PolynomialFunction(anti);
    return antiderivative.value(hi) - antiderivative.value(lo);
  }

  /**
   * ∫ of the PCHIP interpolant of (quality, log10 rate), from lo to hi (inside the points' range):
   * Fritsch–Carlson slopes (zero at a local extremum, the weighted harmonic mean of the secants
   * otherwise, the three-point end rule clipped to keep the shape), each Hermite piece integrated
   * exactly.
   */
  static double pchipIntegral(List<Point> p, double lo, double hi) {
    int n = p.size();
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = p.get(i).quality();
      y[i] = Math.log10(p.get(i).rate());
    }
    double[] h = new double[n - 1];
    double[] delta = new double[n - 1];
    for (int i = 0; i < n - 1; i++) {
      h[i] = x[i + 1] - x[i];
      delta[i] = (y[i + 1] - y[i]) / h[i];
    }
    double[] d = new double[n];
    for (int i = 1; i < n - 1; i++) {
      if (delta[i - 1] * delta[i] <= 0) {
        d[i] = 0;
      } else {
        double w1 = 2 * h[i] + h[i - 1];
        double w2 = h[i] + 2 * h[i - 1];
        d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
      }
    }
    d[0] = endSlope(h[0], h[1], delta[0], delta[1]);
    d[n - 1] = endSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
    double sum = 0;
    for (int i = 0; i < n - 1; i++) {
      double a = Math.max(lo, x[i]);
      double b = Math.min(hi, x[i + 1]);
      if (b > a) {
        sum += hermiteIntegral(x[i], h[i], y[i], y[i + 1], d[i], d[i + 1], a, b);
      }
    }
    return sum;
  }

  /** The three-point end slope, kept to the secant's sign and within three times it. */
  private static double endSlope(double h0, double h1, double del0, double del1) {
    double d = ((2 * h0 + h1) * del0 - h0 * del1) / (h0 + h1);
    if (Math.signum(d) != Math.signum(del0)) {
      return 0;
    }
    if (Math.signum(del0) != Math.signum(del1) && Math.abs(d) > Math.abs(3 * del0)) {
      return 3 * del0;
    }
    return d;
  }

  /**
   * ∫ from a to b of the cubic Hermite piece on [x0, x0 + h] (through y0, y1 with slopes d0, d1).
   */
  private static double hermiteIntegral(
      double x0, double h, double y0, double y1, double d0, double d1, double a, double b) {
    // In t = (x - x0) / h the piece is y0 h00 + h d0 h10 + y1 h01 + h d1 h11; integrate its
    // antiderivative in t and scale by h.
    return h
        * (hermiteAnti(y0, y1, h * d0, h * d1, (b - x0) / h)
            - hermiteAnti(y0, y1, h * d0, h * d1, (a - x0) / h));
  }

  private static double hermiteAnti(double y0, double y1, double m0, double m1, double t) {
    double t2 = t * t;
    double t3 = t2 * t;
    double t4 = t3 * t;
    double h00 = t4 / 2 - t3 + t; // ∫ 2t³ - 3t² + 1
    double h10 = t4 / 4 - 2 * t3 / 3 + t2 / 2; // ∫ t³ - 2t² + t
    double h01 = -t4 / 2 + t3; // ∫ -2t³ + 3t²
    double h11 = t4 / 4 - t3 / 3; // ∫ t³ - t²
    return y0 * h00 + m0 * h10 + y1 * h01 + m1 * h11;
  }
}

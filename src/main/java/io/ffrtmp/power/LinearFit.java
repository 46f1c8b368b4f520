package io.ffrtmp.power;

import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Least-squares line watts = interceptWatts + slopeWatts x u through calibration points, with the
 * error of the fit so an estimate made from it can say how far off it may be.
 *
 * @param interceptWatts a: watts at utilisation 0, the model's idle power
 * @param slopeWatts b: extra watts from utilisation 0 to 1; full-load power is a + b
 * @param r2 coefficient of determination; 1 for points exactly on the line
 * @param rmseWatts root mean square residual, sqrt(SSE / n): the typical error of one estimated
 *     point
 * @param maxAbsErrorWatts largest absolute residual among the points
 */
public record LinearFit(
    double interceptWatts,
    double slopeWatts,
    double r2,
    double rmseWatts,
    double maxAbsErrorWatts) {

  /**
   * Fits the points (utilisation in 0..1, watts).
   *
   * @throws IllegalArgumentException with fewer than two points, or when all utilisations are equal
   *     (no slope)
   */
  public static LinearFit of(double[] utilisation, double[] watts) {
    if (utilisation.length != watts.length) {
      throw new IllegalArgumentException(
          "utilisation and watts differ in length: " + utilisation.length + " vs " + watts.length);
    }
    if (utilisation.length < 2) {
      throw new IllegalArgumentException(
          "a line needs at least two points, got " + utilisation.length);
    }
    SimpleRegression regression = new SimpleRegression(true);
    for (int i = 0; i < utilisation.length; i++) {
      regression.addData(utilisation[i], watts[i]);
    }
    double a = regression.getIntercept();
    double b = regression.getSlope();
    if (Double.isNaN(a) || Double.isNaN(b)) {
      throw new IllegalArgumentException(
          "all points have the same utilisation; the slope is undefined");
    }
    double sse = 0;
    double maxAbs = 0;
    for (int i = 0; i < utilisation.length; i++) {
      double residual = watts[i] - (a + b * utilisation[i]);
      sse += residual * residual;
      maxAbs = Math.max(maxAbs, Math.abs(residual));
    }
    // Equal watts everywhere leave R² undefined (0/0); a flat line through them fits perfectly.
    double r2 = regression.getTotalSumSquares() == 0 ? 1.0 : regression.getRSquare();
    return new LinearFit(a, b, r2, Math.sqrt(sse / utilisation.length), maxAbs);
  }

  /** Predicted watts at utilisation u. */
  public double wattsAt(double u) {
    return interceptWatts + slopeWatts * u;
  }

  public double idleWatts() {
    return interceptWatts;
  }

  public double maxWatts() {
    return interceptWatts + slopeWatts;
  }
}

package io.ffrtmp.worker;

/**
 * Figures in a result are rounded to a fixed number of decimals so they read as measured, not as
 * float noise.
 */
final class Decimals {

  private Decimals() {}

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}

package io.ffrtmp.analysis;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Number formatting shared by the terminal table and the HTML report so both print the same
 * figures.
 */
final class Format {
  static final String NONE = "–";

  private Format() {}

  /**
   * Three significant digits: J/frame spans orders of magnitude across presets, fixed decimals
   * would hide it.
   */
  static String significant(Double value) {
    if (value == null) {
      return NONE;
    }
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  /** Watts and similar, shortest faithful form ("7.0" stays "7.0", "1.48" stays "1.48"). */
  static String number(Double value) {
    if (value == null) {
      return NONE;
    }
    BigDecimal rounded = BigDecimal.valueOf(value).round(new MathContext(4)).stripTrailingZeros();
    return rounded.scale() <= 0
        ? String.format(Locale.ROOT, "%.1f", rounded.doubleValue())
        : rounded.toPlainString();
  }

  static String fixed(Double value, int decimals) {
    return value == null ? NONE : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** "0.205 ± 0.012 (n=3)", or "0.205 (n=1)" when there is no interval to show. */
  static String meanWithInterval(MeanWithInterval value) {
    if (value == null) {
      return NONE;
    }
    String mean = significant(value.mean());
    String spread = value.hasInterval() ? " ± " + significant(value.ci95HalfWidth()) : "";
    return mean + spread + " (n=" + value.n() + ")";
  }
}

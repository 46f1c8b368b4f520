package io.ffrtmp.analysis;

import io.ffrtmp.job.SpecException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A quality floor, {@code metric=value}: {@code psnr=40}, {@code ssim=0.95}, {@code vmaf=93}. */
public record QualityTarget(QualityMetric metric, double value) {

  /** Parses {@code text}; a bad one is a {@link SpecException} on {@code field}. */
  public static QualityTarget parse(String text, String field) {
    String accepted =
        "metric=value with metric one of "
            + Arrays.stream(QualityMetric.values())
                .map(QualityMetric::jsonKey)
                .collect(Collectors.joining(", "))
            + " (e.g. psnr=40)";
    if (text == null || text.isBlank()) {
      throw new SpecException(field, "is empty; accepted: " + accepted);
    }
    int eq = text.indexOf('=');
    if (eq < 0) {
      throw new SpecException(field, "'" + text + "' has no '='; accepted: " + accepted);
    }
    QualityMetric metric = QualityMetric.named(text.substring(0, eq));
    if (metric == null) {
      throw new SpecException(
          field, "unknown metric '" + text.substring(0, eq).trim() + "'; accepted: " + accepted);
    }
    double value;
    try {
      value = Double.parseDouble(text.substring(eq + 1).trim());
    } catch (NumberFormatException e) {
      throw new SpecException(
          field, "'" + text.substring(eq + 1).trim() + "' is not a number; accepted: " + accepted);
    }
    if (!(value > metric.min() && value <= metric.max())) {
      throw new SpecException(
          field,
          "'"
              + text.trim()
              + "' is out of "
              + metric.label()
              + "'s range; accepted: above "
              + Format.number(metric.min())
              + " and at most "
              + Format.number(metric.max()));
    }
    return new QualityTarget(metric, value);
  }

  /** "PSNR ≥ 40.0 dB". */
  public String describe() {
    return metric.label() + " ≥ " + metric.format(value);
  }

  @Override
  public String toString() {
    return metric.jsonKey() + "=" + Format.number(value).toLowerCase(Locale.ROOT);
  }
}

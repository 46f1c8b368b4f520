package io.ffrtmp.analysis;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * Mean of repeated measurements with a two-sided 95 % Student-t confidence interval.
 *
 * <p>{@code ci95HalfWidth} is null when n &lt; 2: one run says nothing about spread, and printing a
 * zero-width interval would claim a precision the data does not have.
 */
public record MeanWithInterval(double mean, int n, Double ci95HalfWidth) {

  static final double CONFIDENCE = 0.95;

  /** Null for an empty sample so callers cannot mistake "no data" for a mean of zero. */
  public static MeanWithInterval of(Collection<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    SummaryStatistics stats = new SummaryStatistics();
    values.forEach(stats::addValue);
    int n = values.size();
    Double halfWidth = null;
    if (n >= 2) {
      double t = new TDistribution(n - 1).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
      halfWidth = t * stats.getStandardDeviation() / Math.sqrt(n);
    }
    return new MeanWithInterval(stats.getMean(), n, halfWidth);
  }

  public boolean hasInterval() {
    return ci95HalfWidth != null;
  }

  public Double lower() {
    return ci95HalfWidth == null ? null : mean - ci95HalfWidth;
  }

  public Double upper() {
    return ci95HalfWidth == null ? null : mean + ci95HalfWidth;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("mean", mean)
        .put("n", n)
        .put("ci95_half_width", ci95HalfWidth)
        .put("ci95_low", lower())
        .put("ci95_high", upper());
  }
}

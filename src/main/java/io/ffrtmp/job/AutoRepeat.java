package io.ffrtmp.job;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * {@code "repeat": "auto"}: each configuration runs until the 95 % Student-t interval of its
 * J/frame is within {@code ciWithin} of the mean (half-width over mean), at least {@code min} and
 * at most {@code max} runs. The master makes {@code min} jobs per configuration at submission and
 * one more each time a configuration's last open job ends and {@link #wantsAnother} says so; the
 * decision is taken in the transaction that records the result, so a campaign never looks finished
 * while a repetition is still to come.
 *
 * <p>Failed runs count toward {@code max} (they cost a slot) but not toward the interval; a
 * configuration whose runs fail more often than they succeed stops, its failures reported.
 */
public record AutoRepeat(double ciWithin, int min, int max) {

  public static final AutoRepeat DEFAULT = new AutoRepeat(0.03, 3, 10);

  /**
   * The campaign's setting: null for a fixed {@code repeat}; for {@code "auto"}, {@code
   * repeat_auto}'s figures or the defaults, checked.
   */
  public static AutoRepeat of(JsonObject campaign) {
    Object repeat = campaign.getValue("repeat");
    JsonObject o = campaign.getJsonObject("repeat_auto");
    if (!"auto".equals(repeat)) {
      if (o != null) {
        throw new SpecException("repeat_auto", "is set, but repeat is not \"auto\"");
      }
      return null;
    }
    if (o == null) {
      return DEFAULT;
    }
    Object ci = o.getValue("ci_within");
    double within = DEFAULT.ciWithin;
    if (ci != null) {
      if (!(ci instanceof Number n) || !(n.doubleValue() >= 0.001 && n.doubleValue() <= 0.5)) {
        throw new SpecException(
            "repeat_auto.ci_within",
            "'" + ci + "' is out of range; accepted: 0.001 to 0.5 (a fraction of the mean)");
      }
      within = n.doubleValue();
    }
    int min = ExactInt.of(o, "min", "repeat_auto.min", DEFAULT.min, 2, 100, "2 to 100");
    int max =
        ExactInt.of(
            o, "max", "repeat_auto.max", Math.max(min, DEFAULT.max), min, 100, min + " to 100");
    return new AutoRepeat(within, min, max);
  }

  /**
   * Half-width of the two-sided 95 % Student-t interval over the mean, or null without an interval
   * (fewer than 2 values, or a mean that is not positive). The same interval as the report's.
   */
  public static Double relativeHalfWidth(List<Double> values) {
    if (values.size() < 2) {
      return null;
    }
    SummaryStatistics stats = new SummaryStatistics();
    values.forEach(stats::addValue);
    if (!(stats.getMean() > 0)) {
      return null;
    }
    double t = new TDistribution(values.size() - 1).inverseCumulativeProbability(0.975);
    return t * stats.getStandardDeviation() / Math.sqrt(values.size()) / stats.getMean();
  }

  public boolean converged(List<Double> values) {
    Double rel = relativeHalfWidth(values);
    return rel != null && rel <= ciWithin;
  }

  /**
   * Whether a configuration whose jobs have all ended should get one more: {@code succeeded} holds
   * the J/frame of its succeeded runs, {@code made} counts every job it had.
   */
  public boolean wantsAnother(List<Double> succeeded, int made) {
    if (made >= max) {
      return false;
    }
    int failed = made - succeeded.size();
    if (failed > succeeded.size()) {
      return false;
    }
    return succeeded.size() < min || !converged(succeeded);
  }

  /** What a configuration's summary says of its repetitions. */
  public JsonObject describe(List<Double> succeeded, int made) {
    boolean converged = converged(succeeded);
    String stop =
        converged
            ? "interval within " + String.format(Locale.ROOT, "%.1f %%", ciWithin * 100)
            : made >= max ? "cap of " + max + " runs reached" : "stopped: too many runs failed";
    return new JsonObject()
        .put("mode", "auto")
        .put("runs", made)
        .put("succeeded", succeeded.size())
        .put("ci_within", ciWithin)
        .put("min", min)
        .put("max", max)
        .put("ci95_relative", relativeHalfWidth(succeeded))
        .put("converged", converged)
        .put("stopped_because", stop);
  }

  public JsonObject toJson() {
    return new JsonObject().put("ci_within", ciWithin).put("min", min).put("max", max);
  }
}

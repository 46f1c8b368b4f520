package io.ffrtmp.analysis;

import io.ffrtmp.job.SpecException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A campaign's rate sweeps: configurations that differ only in their CRF (or bitrate) form one
 * curve per encoder setting, labelled by the configuration key without the rate ({@code libx264
 * medium 1280x720p30}). Against a named baseline curve each curve gets its BD-rate and BD-energy
 * ({@link Bjontegaard}, piecewise cubic: {@link #FIT}) over the quality range both cover, on the
 * campaign's quality metric; curves are compared only within their energy group (measured with
 * measured, estimated with estimated).
 */
public final class RateCurves {

  /** The fit used for every BD figure: monotone, no overshoot between a sweep's few points. */
  public static final Bjontegaard.Fit FIT = Bjontegaard.Fit.PCHIP;

  /** Points a curve needs for a BD figure (a cubic has four coefficients). */
  public static final int MIN_POINTS = 4;

  private static final Pattern RATE_TOKEN = Pattern.compile(" (crf\\d+|cbr\\d+k|vbr\\d+k)(?= |$)");

  /** One encoder setting swept over its rate; points in ascending quality. */
  public record Curve(
      String label, String parameter, RankGroup group, List<ConfigurationSummary> points) {
    public Curve {
      points = List.copyOf(points);
    }

    List<Bjontegaard.Point> rate(QualityMetric metric) {
      return points(metric, ConfigurationSummary::bitrateKbpsMean);
    }

    List<Bjontegaard.Point> energy(QualityMetric metric) {
      return points(metric, ConfigurationSummary::joulesPerFrameMean);
    }

    private List<Bjontegaard.Point> points(
        QualityMetric metric, java.util.function.Function<ConfigurationSummary, Double> rate) {
      List<Bjontegaard.Point> out = new ArrayList<>();
      for (ConfigurationSummary s : points) {
        Double r = rate.apply(s);
        Double q = s.quality(metric);
        if (r != null && q != null) {
          out.add(new Bjontegaard.Point(r, q));
        }
      }
      return out;
    }
  }

  private RateCurves() {}

  /** The label of a configuration's curve: its key without the rate. */
  public static String label(String configKey) {
    return RATE_TOKEN.matcher(configKey).replaceFirst("");
  }

  /** Curves of the ranked configurations (failed and provenance-less ones take no part). */
  public static List<Curve> of(CampaignAnalysis analysis) {
    Map<String, List<ConfigurationSummary>> byLabel = new LinkedHashMap<>();
    for (ConfigurationSummary s : analysis.configurations()) {
      if (s.group() == null || !s.group().hasFront()) {
        continue;
      }
      byLabel
          .computeIfAbsent(
              s.group().name() + "\u0000" + label(s.configKey()), k -> new ArrayList<>())
          .add(s);
    }
    List<Curve> curves = new ArrayList<>();
    for (List<ConfigurationSummary> members : byLabel.values()) {
      ConfigurationSummary first = members.get(0);
      List<ConfigurationSummary> sorted = new ArrayList<>(members);
      sorted.sort(
          Comparator.comparing(
              (ConfigurationSummary s) -> s.quality(analysis.metric()),
              Comparator.nullsLast(Comparator.naturalOrder())));
      String parameter =
          "crf".equals(first.config().getString("rate_control")) ? "crf" : "bitrate_kbps";
      curves.add(new Curve(label(first.configKey()), parameter, first.group(), sorted));
    }
    return curves;
  }

  /**
   * The configuration or curve {@code name} names: a configuration key, a curve label, or the start
   * of exactly one curve label (whole words: {@code libx264 medium}). Refused with a {@link
   * SpecException} on {@code field} naming what is accepted.
   */
  public static Curve baseline(List<Curve> curves, String name, String field) {
    String wanted = name.trim();
    for (Curve c : curves) {
      for (ConfigurationSummary s : c.points()) {
        if (s.configKey().equals(wanted)) {
          return c.points().size() == 1
              ? c
              : new Curve(c.label(), c.parameter(), c.group(), List.of(s));
        }
      }
    }
    List<Curve> matches = new ArrayList<>();
    for (Curve c : curves) {
      if (c.label().equals(wanted)) {
        return c;
      }
      if (c.label().startsWith(wanted + " ")) {
        matches.add(c);
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    List<String> labels = curves.stream().map(Curve::label).distinct().limit(12).toList();
    if (matches.isEmpty()) {
      throw new SpecException(
          field,
          "'"
              + wanted
              + "' is not a configuration of this campaign; accepted: a configuration key or the"
              + " start of one of: "
              + String.join("; ", labels));
    }
    throw new SpecException(
        field,
        "'"
            + wanted
            + "' matches "
            + matches.size()
            + " settings ("
            + String.join("; ", matches.stream().map(Curve::label).toList())
            + "); accepted: one of them in full");
  }

  /**
   * Each curve's points and, against {@code baseline} (null: none), its BD-rate and BD-energy, or
   * why there is none.
   */
  public static JsonObject toJson(List<Curve> curves, Curve baseline, QualityMetric metric) {
    JsonArray out = new JsonArray();
    for (Curve c : curves) {
      JsonArray points = new JsonArray();
      for (ConfigurationSummary s : c.points()) {
        points.add(
            new JsonObject()
                .put("config_key", s.configKey())
                .put(c.parameter(), s.config().getValue(c.parameter()))
                .put("bitrate_kbps", s.bitrateKbpsMean())
                .put("quality", s.quality(metric))
                .put("joules_per_frame", s.joulesPerFrameMean()));
      }
      JsonObject curve =
          new JsonObject()
              .put("label", c.label())
              .put("parameter", c.parameter())
              .put("rank_group", c.group().name().toLowerCase(java.util.Locale.ROOT))
              .put("points", points);
      if (baseline != null && !c.label().equals(baseline.label())) {
        curve.put("bd_rate", delta(baseline.rate(metric), c.rate(metric), baseline, c));
        curve.put("bd_energy", delta(baseline.energy(metric), c.energy(metric), baseline, c));
      }
      out.add(curve);
    }
    return new JsonObject()
        .put("metric", metric.jsonKey())
        .put("fit", FIT.name().toLowerCase(java.util.Locale.ROOT))
        .put("baseline", baseline == null ? null : baseline.label())
        .put(
            "method",
            "Bjøntegaard delta: log10(rate) against "
                + metric.label()
                + ", "
                + (FIT == Bjontegaard.Fit.PCHIP ? "piecewise cubic (PCHIP)" : "cubic least squares")
                + ", integrated over the quality range both curves cover; BD-energy puts J/frame"
                + " in place of the bitrate. Negative: less than the baseline at equal quality.")
        .put("curves", out);
  }

  /** BD figure of one pair, or {@code {"none": why}}. */
  static JsonObject delta(
      List<Bjontegaard.Point> base, List<Bjontegaard.Point> test, Curve baseline, Curve curve) {
    if (baseline.group() != curve.group()) {
      return new JsonObject()
          .put(
              "none",
              "the baseline's energy is "
                  + baseline.group().label()
                  + ", this curve's "
                  + curve.group().label()
                  + ": not comparable");
    }
    if (base.size() < MIN_POINTS || test.size() < MIN_POINTS) {
      return new JsonObject()
          .put(
              "none",
              "a BD figure needs at least "
                  + MIN_POINTS
                  + " rate points on each curve (baseline "
                  + base.size()
                  + ", this "
                  + test.size()
                  + ")");
    }
    try {
      Bjontegaard.Delta d = Bjontegaard.delta(base, test, FIT);
      JsonObject j =
          new JsonObject()
              .put("percent", d.percent())
              .put("overlap_low", d.overlapLow())
              .put("overlap_high", d.overlapHigh())
              .put("overlap_fraction", d.overlapFraction());
      if (d.tooSmall()) {
        j.put(
            "warning",
            "the curves overlap over only "
                + Math.round(d.overlapFraction() * 100)
                + " % of the narrower one's quality range: the figure means little");
      }
      return j;
    } catch (IllegalArgumentException e) {
      return new JsonObject().put("none", e.getMessage());
    }
  }
}

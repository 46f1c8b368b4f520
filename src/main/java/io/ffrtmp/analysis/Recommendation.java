package io.ffrtmp.analysis;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * "The cheapest setting that reaches this quality": among a campaign's configurations whose mean
 * quality reaches the floor and whose mean bitrate is within the ceiling, the one with the lowest
 * mean J/frame, the runner-up, and the savings against a baseline (its cheapest point that meets
 * the same constraints), with 95 % intervals.
 *
 * <p>Differences are Welch intervals on the difference of means (unequal variances,
 * Welch–Satterthwaite degrees of freedom), expressed as a per cent of the baseline's mean (taken as
 * exact); "no significant difference" when the interval holds zero. Without two runs on each side
 * there is no interval and the wording says the difference was not tested. Configurations are
 * compared only within one energy group: measured when any measured configuration qualifies, else
 * estimated, labelled so.
 */
public final class Recommendation {

  private Recommendation() {}

  /** A difference of two means, test minus reference, in per cent of the reference. */
  record Difference(double percent, Double low, Double high) {
    boolean tested() {
      return low != null;
    }

    boolean significant() {
      return tested() && (low > 0 || high < 0);
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("percent", percent)
          .put("ci95_low", low)
          .put("ci95_high", high)
          .put("significant", tested() ? significant() : null);
    }

    String text(String what) {
      String p = signed(percent) + " % " + what;
      if (!tested()) {
        return p + " (single runs: not tested)";
      }
      return p
          + " (95 % CI "
          + signed(low)
          + " to "
          + signed(high)
          + " %"
          + (significant() ? "" : ", no significant difference")
          + ")";
    }
  }

  static Difference energy(MeanWithInterval test, MeanWithInterval reference) {
    double percent = (test.mean() - reference.mean()) / reference.mean() * 100;
    if (!test.hasInterval() || !reference.hasInterval()) {
      return new Difference(percent, null, null);
    }
    double v1 = variance(test) / test.n();
    double v2 = variance(reference) / reference.n();
    double se = Math.sqrt(v1 + v2);
    if (se == 0) {
      return new Difference(percent, percent, percent);
    }
    double df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (test.n() - 1) + v2 * v2 / (reference.n() - 1));
    double t = new TDistribution(df).inverseCumulativeProbability(0.975);
    double half = t * se / reference.mean() * 100;
    return new Difference(percent, percent - half, percent + half);
  }

  /** The sample variance behind a mean's interval. */
  private static double variance(MeanWithInterval m) {
    double t = new TDistribution(m.n() - 1).inverseCumulativeProbability(0.975);
    double sd = m.ci95HalfWidth() * Math.sqrt(m.n()) / t;
    return sd * sd;
  }

  /**
   * The recommendation as JSON, with {@code text} the sentence a person reads. {@code baseline}: a
   * configuration key or curve label, null for none (checked: a name the campaign lacks is a {@code
   * SpecException} on {@code baselineField}).
   */
  public static JsonObject of(
      CampaignAnalysis analysis,
      QualityTarget target,
      Double maxKbps,
      String baseline,
      String baselineField) {
    QualityMetric metric = target.metric();
    List<RateCurves.Curve> curves = RateCurves.of(analysis);
    RateCurves.Curve base =
        baseline == null ? null : RateCurves.baseline(curves, baseline, baselineField);

    List<ConfigurationSummary> ranked =
        analysis.configurations().stream()
            .filter(s -> s.group() != null && s.group().hasFront())
            .toList();
    RankGroup group =
        ranked.stream().anyMatch(s -> s.group() == RankGroup.MEASURED && meets(s, target, maxKbps))
            ? RankGroup.MEASURED
            : RankGroup.ESTIMATED;
    List<ConfigurationSummary> qualifying =
        new ArrayList<>(
            ranked.stream()
                .filter(s -> s.group() == group && meets(s, target, maxKbps))
                .sorted(Comparator.comparing(ConfigurationSummary::joulesPerFrameMean))
                .toList());

    JsonObject out =
        new JsonObject()
            .put(
                "target",
                new JsonObject().put("metric", metric.jsonKey()).put("value", target.value()))
            .put("max_kbps", maxKbps)
            .put("baseline", baseline)
            .put("considered", ranked.size())
            .put("qualifying", qualifying.size())
            .put(
                "method",
                "cheapest mean J/frame among configurations whose mean "
                    + metric.label()
                    + " reaches the floor"
                    + (maxKbps == null ? "" : " and whose mean bitrate is within the ceiling")
                    + "; differences are Welch 95 % intervals of the difference of means, in per"
                    + " cent of the reference's mean");
    String conditions = conditions(analysis, target, maxKbps, ranked);
    if (qualifying.isEmpty()) {
      out.put("chosen", null).put("runner_up", null);
      out.put(
          "text", conditions + ": no configuration qualifies. " + closest(ranked, target, maxKbps));
      return out;
    }
    ConfigurationSummary chosen = qualifying.get(0);
    ConfigurationSummary runnerUp = qualifying.size() > 1 ? qualifying.get(1) : null;
    out.put("rank_group", group.name().toLowerCase(Locale.ROOT));
    out.put("chosen", point(chosen, metric));
    StringBuilder text = new StringBuilder(conditions).append(": cheapest is ");
    text.append(describe(chosen)).append(" — ").append(figures(chosen, metric));
    if (runnerUp != null) {
      Difference d = energy(runnerUp.joulesPerFrame(), chosen.joulesPerFrame());
      out.put("runner_up", point(runnerUp, metric).put("energy_vs_chosen", d.toJson()));
      text.append("; runner-up ")
          .append(describe(runnerUp))
          .append(" at ")
          .append(d.text("energy"));
      if (d.tested() && !d.significant()) {
        text.append(": the two are not distinguishable in energy on these runs");
      }
    } else {
      out.put("runner_up", null);
    }
    text.append('.');
    if (base != null) {
      text.append(' ').append(againstBaseline(out, chosen, base, curves, target, maxKbps));
    }
    EnergyProvenance energy = chosen.energy();
    if (energy != null) {
      String where = nodeName(analysis);
      text.append(' ')
          .append(energy.isMeasured() ? "Measured" : "Estimated")
          .append(where == null ? "" : " on " + where)
          .append(", ")
          .append(energy.sentence().replaceFirst("^(measured|ESTIMATED) by ", ""))
          .append('.');
    }
    JsonObject cost = chosen.cost();
    if (cost != null) {
      out.put("cost", cost);
      text.append(' ').append(costText(cost, analysis.costModel()));
    }
    out.put("text", text.toString());
    return out;
  }

  private static boolean meets(ConfigurationSummary s, QualityTarget target, Double maxKbps) {
    Double q = s.quality(target.metric());
    Double jpf = s.joulesPerFrameMean();
    if (q == null || q < target.value() || jpf == null || !(jpf > 0)) {
      return false;
    }
    return maxKbps == null || (s.bitrateKbpsMean() != null && s.bitrateKbpsMean() <= maxKbps);
  }

  private static String conditions(
      CampaignAnalysis analysis,
      QualityTarget target,
      Double maxKbps,
      List<ConfigurationSummary> ranked) {
    StringBuilder c = new StringBuilder("At ").append(target.describe());
    if (maxKbps != null) {
      c.append(" and ≤ ").append(kbps(maxKbps));
    }
    List<String> facts = new ArrayList<>();
    ranked.stream()
        .map(s -> s.config().getString("resolution") + "p" + fps(s.config().getValue("fps")))
        .distinct()
        .forEach(facts::add);
    facts.add(analysis.inputs().isEmpty() ? "this content" : String.join(", ", analysis.inputs()));
    return c.append(" (").append(String.join(", ", facts)).append(")").toString();
  }

  private static String fps(Object fps) {
    if (fps instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) ? String.valueOf((long) d) : Format.number(d);
    }
    return "";
  }

  /** What came closest when nothing qualifies: the best quality seen, and what held it back. */
  private static String closest(
      List<ConfigurationSummary> ranked, QualityTarget target, Double maxKbps) {
    ConfigurationSummary best =
        ranked.stream()
            .filter(s -> s.quality(target.metric()) != null)
            .max(Comparator.comparing((ConfigurationSummary s) -> s.quality(target.metric())))
            .orElse(null);
    if (best == null) {
      return "No configuration reported " + target.metric().label() + ".";
    }
    String q = target.metric().format(best.quality(target.metric()));
    boolean qualityOk = best.quality(target.metric()) >= target.value();
    return "The best "
        + target.metric().label()
        + " is "
        + q
        + " ("
        + describe(best)
        + (qualityOk && maxKbps != null ? ", at " + kbps(best.bitrateKbpsMean()) : "")
        + ")"
        + (qualityOk ? ", over the bitrate ceiling." : ".")
        + " Lower the floor, raise the ceiling, or add higher-quality settings.";
  }

  private static String againstBaseline(
      JsonObject out,
      ConfigurationSummary chosen,
      RateCurves.Curve base,
      List<RateCurves.Curve> curves,
      QualityTarget target,
      Double maxKbps) {
    JsonObject b = new JsonObject().put("label", base.label());
    out.put("against_baseline", b);
    StringBuilder text = new StringBuilder("Against ").append(base.label()).append(" (baseline)");
    if (base.group() != chosen.group()) {
      b.put("none", "the baseline's energy is " + base.group().label() + ": not comparable");
      return text.append(": not comparable (its energy is ")
          .append(base.group().label())
          .append(").")
          .toString();
    }
    ConfigurationSummary point =
        base.points().stream()
            .filter(s -> meets(s, target, maxKbps))
            .min(Comparator.comparing(ConfigurationSummary::joulesPerFrameMean))
            .orElse(null);
    List<String> parts = new ArrayList<>();
    if (point == null) {
      b.put("point", null);
      parts.add("it reaches " + target.describe() + " at no setting tried");
    } else if (point.configKey().equals(chosen.configKey())) {
      b.put("point", point(point, target.metric()));
      parts.add("the baseline itself is the cheapest");
    } else {
      b.put("point", point(point, target.metric()));
      Difference e = energy(chosen.joulesPerFrame(), point.joulesPerFrame());
      b.put("energy", e.toJson());
      parts.add("at " + describeRate(point) + ": " + e.text("energy"));
      if (chosen.bitrateKbpsMean() != null && point.bitrateKbpsMean() != null) {
        double rate =
            (chosen.bitrateKbpsMean() - point.bitrateKbpsMean()) / point.bitrateKbpsMean() * 100;
        b.put("bitrate_percent", rate);
        parts.add(signed(rate) + " % bitrate");
      }
    }
    RateCurves.Curve mine =
        curves.stream()
            .filter(
                c ->
                    c.group() == chosen.group()
                        && c.label().equals(RateCurves.label(chosen.configKey())))
            .findFirst()
            .orElse(null);
    if (mine != null && !mine.label().equals(base.label())) {
      JsonObject rate =
          RateCurves.delta(base.rate(target.metric()), mine.rate(target.metric()), base, mine);
      JsonObject energy =
          RateCurves.delta(base.energy(target.metric()), mine.energy(target.metric()), base, mine);
      b.put("bd_rate", rate).put("bd_energy", energy).put("bd_fit", "pchip");
      if (rate.containsKey("percent") && energy.containsKey("percent")) {
        parts.add(
            "BD-rate "
                + signed(rate.getDouble("percent"))
                + " %, BD-energy "
                + signed(energy.getDouble("percent"))
                + " % over "
                + target.metric().label()
                + " "
                + Format.number(rate.getDouble("overlap_low"))
                + "–"
                + target.metric().format(rate.getDouble("overlap_high"))
                + (rate.containsKey("warning") || energy.containsKey("warning")
                    ? " (small overlap: indicative only)"
                    : ""));
      }
    }
    return text.append(": ").append(String.join(", ", parts)).append('.').toString();
  }

  private static JsonObject point(ConfigurationSummary s, QualityMetric metric) {
    return new JsonObject()
        .put("config_key", s.configKey())
        .put("config", s.config())
        .put("joules_per_frame", s.joulesPerFrame() == null ? null : s.joulesPerFrame().toJson())
        .put("bitrate_kbps", s.bitrateKbpsMean())
        .put("quality", s.quality(metric))
        .put("energy", s.energy() == null ? null : s.energy().toJson());
  }

  /** "libsvtav1 preset 10 at CRF 33". */
  static String describe(ConfigurationSummary s) {
    JsonObject c = s.config();
    if (c.getString("encoder") == null) {
      return s.configKey();
    }
    StringBuilder d = new StringBuilder(c.getString("encoder"));
    String preset = c.getString("preset");
    if (preset != null) {
      d.append(Character.isDigit(preset.charAt(0)) ? " preset " : " ").append(preset);
    }
    return d.append(" at ").append(describeRate(s)).toString();
  }

  private static String describeRate(ConfigurationSummary s) {
    JsonObject c = s.config();
    JsonObject search = s.search();
    if (search != null
        && search.getJsonArray("chosen") != null
        && !search.getJsonArray("chosen").isEmpty()) {
      List<String> values = new ArrayList<>();
      search.getJsonArray("chosen").forEach(v -> values.add(String.valueOf(v)));
      return ("crf".equals(search.getString("parameter")) ? "CRF " : "")
          + String.join("/", values)
          + ("crf".equals(search.getString("parameter")) ? "" : " kbps")
          + " (searched for "
          + search.getString("metric")
          + " "
          + search.getValue("target")
          + ")";
    }
    if ("crf".equals(c.getString("rate_control")) && c.getValue("crf") != null) {
      return "CRF " + c.getValue("crf");
    }
    Object kbps = c.getValue("bitrate_kbps");
    return (c.getString("rate_control", "").toUpperCase(Locale.ROOT) + " " + kbps + " kbps").trim();
  }

  private static String figures(ConfigurationSummary s, QualityMetric metric) {
    MeanWithInterval j = s.joulesPerFrame();
    StringBuilder f = new StringBuilder(Format.significant(j.mean())).append(" J/frame");
    if (j.hasInterval()) {
      f.append(" (95 % CI ")
          .append(Format.significant(j.lower()))
          .append("–")
          .append(Format.significant(j.upper()))
          .append(", n=")
          .append(j.n())
          .append(')');
    } else {
      f.append(" (n=").append(j.n()).append(", no interval)");
    }
    if (s.bitrateKbpsMean() != null) {
      f.append(", ").append(kbps(s.bitrateKbpsMean()));
    }
    Double q = s.quality(metric);
    if (q != null) {
      f.append(", ").append(metric.label()).append(' ').append(metric.format(q));
    }
    return f.toString();
  }

  private static String costText(JsonObject cost, CostModel model) {
    JsonObject hour = cost.getJsonObject("per_content_hour");
    String currency = cost.getString("currency");
    return (cost.getBoolean("estimated", false) ? "Estimated cost" : "Cost")
        + " per "
        + cost.getString("content_hour", "hour of content")
        + ": "
        + money(hour.getDouble("cost"))
        + " "
        + currency
        + ", "
        + Format.significant(hour.getDouble("co2e_g"))
        + " gCO₂e ("
        + Format.number(model.pricePerKwh())
        + " "
        + currency
        + "/kWh, "
        + Format.significant(model.carbonGPerKwh())
        + " gCO₂e/kWh, PUE "
        + Format.number(model.pue())
        + ", "
        + model.basis()
        + ").";
  }

  static String money(double value) {
    return value >= 0.01 ? String.format(Locale.ROOT, "%.2f", value) : Format.significant(value);
  }

  private static String kbps(Double value) {
    return value == null ? Format.NONE : String.format(Locale.ROOT, "%,.0f kbps", value);
  }

  private static String signed(double value) {
    String s = String.format(Locale.ROOT, "%.1f", value);
    return value > 0 ? "+" + s : s.replace('-', '−');
  }

  private static String nodeName(CampaignAnalysis analysis) {
    JsonObject node = analysis.node();
    if (node == null) {
      return null;
    }
    String host = node.getString("hostname");
    String model = node.getString("cpu_model");
    return host == null ? model : model == null ? host : host + " (" + model + ")";
  }
}

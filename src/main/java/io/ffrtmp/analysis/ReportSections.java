package io.ffrtmp.analysis;

import static io.ffrtmp.analysis.HtmlReport.escape;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The report's recommendation, rate sweeps (curves and BD figures) and cost sections, from the same
 * JSON that results.json carries.
 */
public final class ReportSections {

  private ReportSections() {}

  /**
   * For the terminal, after the ranking: the BD figures against the baseline, the repetitions of a
   * {@code repeat: "auto"} campaign, and the recommendation; empty when the campaign has none.
   */
  public static String text(CampaignAnalysis analysis) {
    StringBuilder out = new StringBuilder();
    JsonObject curves = analysis.curves();
    if (curves != null && curves.getString("baseline") != null) {
      out.append("Against ")
          .append(curves.getString("baseline"))
          .append(" (BD, ")
          .append(curves.getString("fit"))
          .append(" fit on ")
          .append(analysis.metric().label())
          .append("):\n");
      JsonArray list = curves.getJsonArray("curves");
      for (int i = 0; i < list.size(); i++) {
        JsonObject c = list.getJsonObject(i);
        if (c.containsKey("bd_rate")) {
          out.append("  ")
              .append(c.getString("label"))
              .append("estimated".equals(c.getString("rank_group")) ? " (energy ESTIMATED)" : "")
              .append(": BD-rate ")
              .append(bd(c.getJsonObject("bd_rate")))
              .append(", BD-energy ")
              .append(bd(c.getJsonObject("bd_energy")))
              .append(", overlap ")
              .append(overlap(c.getJsonObject("bd_rate"), analysis.metric()))
              .append('\n');
        }
      }
    }
    List<ConfigurationSummary> repeated =
        analysis.configurations().stream().filter(s -> s.repeat() != null).toList();
    if (!repeated.isEmpty()) {
      out.append("Repeat auto (95 % interval of J/frame within ")
          .append(Format.number(repeated.get(0).repeat().getDouble("ci_within") * 100))
          .append(" % of the mean):\n");
      for (ConfigurationSummary s : repeated) {
        JsonObject r = s.repeat();
        Double rel = r.getDouble("ci95_relative");
        out.append("  ")
            .append(s.configKey())
            .append(": ")
            .append(r.getInteger("runs"))
            .append(" runs, ±")
            .append(rel == null ? Format.NONE : Format.number(rel * 100) + " %")
            .append(", ")
            .append(r.getString("stopped_because"))
            .append('\n');
      }
    }
    List<ConfigurationSummary> searched =
        analysis.configurations().stream().filter(s -> s.search() != null).toList();
    if (!searched.isEmpty()) {
      out.append("Quality targets (probe encodes outside the energy window):\n");
      for (ConfigurationSummary s : searched) {
        out.append("  ")
            .append(s.configKey())
            .append(": ")
            .append(searchText(s.search()))
            .append('\n');
      }
    }
    JsonObject r = analysis.recommendation();
    if (r != null) {
      out.append(r.getString("text")).append('\n');
    }
    return out.toString();
  }

  /** "crf 26, 3.0 probes a run, final psnr 40.1 (target 40 ± 0.5)". */
  static String searchText(JsonObject search) {
    List<String> chosen = new java.util.ArrayList<>();
    search.getJsonArray("chosen", new JsonArray()).forEach(v -> chosen.add(String.valueOf(v)));
    String parameter = search.getString("parameter", "crf");
    return ("crf".equals(parameter)
            ? "crf " + String.join("/", chosen)
            : String.join("/", chosen) + " kbps")
        + ", "
        + Format.number(search.getDouble("probe_count_mean"))
        + " probes a run, final "
        + search.getString("metric")
        + " "
        + Format.number(search.getDouble("final_score_mean"))
        + " (target "
        + search.getValue("target")
        + " ± "
        + search.getValue("tolerance")
        + (Boolean.TRUE.equals(search.getBoolean("reached")) ? ")" : "; NOT reached by every run)");
  }

  static void recommendation(StringBuilder html, CampaignAnalysis analysis) {
    JsonObject r = analysis.recommendation();
    if (r == null) {
      return;
    }
    html.append("<h2>Recommendation</h2>\n<p class=\"recommendation")
        .append("estimated".equals(r.getString("rank_group")) ? " estimated" : "")
        .append("\">")
        .append(escape(r.getString("text")))
        .append("</p>\n<p class=\"legend\">")
        .append(escape("Method: " + r.getString("method") + "."))
        .append("</p>\n");
  }

  static void curves(StringBuilder html, CampaignAnalysis analysis) {
    JsonObject curves = analysis.curves();
    if (curves == null) {
      return;
    }
    QualityMetric metric = analysis.metric();
    html.append("<h2>Rate sweeps</h2>\n");
    String baseline = curves.getString("baseline");
    html.append("<p>")
        .append(
            escape(
                baseline == null
                    ? "No baseline named (\"baseline\" in the campaign): curves without BD figures."
                    : "BD figures against " + baseline + ". " + curves.getString("method")))
        .append("</p>\n");
    html.append(
        "<table>\n<thead><tr><th>setting</th><th>energy</th><th>points</th><th>BD-rate</th>"
            + "<th>BD-energy</th><th>overlap</th></tr></thead>\n<tbody>\n");
    JsonArray list = curves.getJsonArray("curves");
    for (int i = 0; i < list.size(); i++) {
      JsonObject c = list.getJsonObject(i);
      JsonObject rate = c.getJsonObject("bd_rate");
      JsonObject energy = c.getJsonObject("bd_energy");
      html.append("<tr><td>")
          .append(escape(c.getString("label")))
          .append(c.getString("label").equals(baseline) ? " (baseline)" : "")
          .append("</td><td>")
          .append(escape(c.getString("rank_group")))
          .append("</td><td class=\"num\">")
          .append(c.getJsonArray("points").size())
          .append("</td><td class=\"num\">")
          .append(escape(bd(rate)))
          .append("</td><td class=\"num\">")
          .append(escape(bd(energy)))
          .append("</td><td>")
          .append(escape(overlap(rate, metric)))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n");
    List<RateCurves.Curve> drawn = RateCurves.of(analysis);
    html.append(
            EnergyCharts.rateCurves(
                drawn,
                metric,
                ConfigurationSummary::bitrateKbpsMean,
                "bitrate (kbit/s, log scale)",
                metric.label() + " against bitrate, per setting",
                "rate-curves"))
        .append('\n')
        .append(
            EnergyCharts.rateCurves(
                drawn,
                metric,
                ConfigurationSummary::joulesPerFrameMean,
                "energy per frame (J/frame, log scale)",
                metric.label() + " against energy per frame, per setting",
                "energy-curves"))
        .append('\n');
  }

  private static String bd(JsonObject d) {
    if (d == null) {
      return Format.NONE;
    }
    if (d.getValue("percent") == null) {
      return "none: " + d.getString("none");
    }
    String p = String.format(Locale.ROOT, "%+.1f %%", d.getDouble("percent"));
    return d.getString("warning") == null ? p : p + " (small overlap)";
  }

  private static String overlap(JsonObject d, QualityMetric metric) {
    if (d == null || d.getValue("overlap_low") == null) {
      return Format.NONE;
    }
    return Format.number(d.getDouble("overlap_low"))
        + "–"
        + metric.format(d.getDouble("overlap_high"))
        + " ("
        + Math.round(d.getDouble("overlap_fraction") * 100)
        + " %)";
  }

  static void searches(StringBuilder html, CampaignAnalysis analysis) {
    List<ConfigurationSummary> searched =
        analysis.configurations().stream().filter(s -> s.search() != null).toList();
    if (searched.isEmpty()) {
      return;
    }
    html.append("<h2>Quality targets</h2>\n<p>")
        .append(
            escape(
                "Each configuration's CRF (or bitrate) was searched for its quality target by probe"
                    + " encodes outside the energy window; the J/frame above is the final"
                    + " encode's."))
        .append("</p>\n<ul>\n");
    for (ConfigurationSummary s : searched) {
      html.append("<li><code>")
          .append(escape(s.configKey()))
          .append("</code>: ")
          .append(escape(searchText(s.search())))
          .append("</li>\n");
    }
    html.append("</ul>\n");
  }

  static void cost(StringBuilder html, CampaignAnalysis analysis) {
    List<ConfigurationSummary> priced =
        analysis.configurations().stream().filter(s -> s.cost() != null).toList();
    if (priced.isEmpty()) {
      return;
    }
    CostModel m = analysis.costModel();
    html.append("<h2>Cost and carbon</h2>\n<p>")
        .append(
            escape(
                Format.number(m.pricePerKwh())
                    + " "
                    + m.currency()
                    + "/kWh, "
                    + Format.significant(m.carbonGPerKwh())
                    + " gCO₂e/kWh, PUE "
                    + Format.number(m.pue())
                    + " ("
                    + m.basis()
                    + (m.nodes().isEmpty() ? "" : "; some nodes have their own figures")
                    + "). Energy is the job's attributed energy times the PUE; estimated energy"
                    + " makes an estimated cost."))
        .append("</p>\n<table>\n<thead><tr><th>configuration</th><th>per job</th>")
        .append("<th>per hour of content</th><th>gCO₂e per hour of content</th></tr></thead>\n")
        .append("<tbody>\n");
    for (ConfigurationSummary s : priced) {
      JsonObject c = s.cost();
      boolean estimated = c.getBoolean("estimated", false);
      JsonObject job = c.getJsonObject("per_job");
      JsonObject hour = c.getJsonObject("per_content_hour");
      html.append(estimated ? "<tr class=\"estimated\">" : "<tr>")
          .append("<td>")
          .append(escape(s.configKey()))
          .append(estimated ? " (ESTIMATED)" : "")
          .append("</td><td class=\"num\">")
          .append(
              escape(Recommendation.money(job.getDouble("cost")) + " " + c.getString("currency")))
          .append("</td><td class=\"num\">")
          .append(
              escape(Recommendation.money(hour.getDouble("cost")) + " " + c.getString("currency")))
          .append("</td><td class=\"num\">")
          .append(escape(Format.significant(hour.getDouble("co2e_g"))))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n");
  }
}

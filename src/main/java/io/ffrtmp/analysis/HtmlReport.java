package io.ffrtmp.analysis;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A single self-contained HTML page: inline CSS and inline SVG only, so it can be mailed or
 * archived and still render offline. Every string taken from campaign or job data goes through
 * {@link #escape}.
 */
public final class HtmlReport {
  private static final String STYLE =
      String.join(
          "\n",
          "body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2530;max-width:1200px}",
          "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}",
          "dl{display:grid;grid-template-columns:max-content auto;gap:.2rem"
              + " 1rem}dt{font-weight:600}dd{margin:0}",
          "table{border-collapse:collapse;font-size:.9rem}th,td{padding:.25rem"
              + " .5rem;border-bottom:1px solid #dde}",
          "th{text-align:left;background:#f0f2f6}td.num{text-align:right;font-variant-numeric:tabular-nums}",
          "tr.front td{background:#fdf0e1}tr.failed td{color:#9a2b2b}",
          ".estimated{color:#8a4b00;font-weight:600}.legend{font-size:.85rem;color:#445}",
          ".recommendation{font-size:1.05rem;border-left:4px solid #d9822b;padding:.4rem .8rem;"
              + "background:#fdf6ee}",
          "svg{max-width:100%;height:auto;display:block;margin:1rem 0}code{font-size:.9em}");

  private HtmlReport() {}

  public static String render(JsonObject campaign, CampaignAnalysis analysis) {
    JsonObject meta = campaign == null ? new JsonObject() : campaign;
    String name = meta.getString("name", "unnamed campaign");
    StringBuilder html = new StringBuilder(16_384);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>ffrtmp energy report: ")
        .append(escape(name))
        .append("</title>\n")
        .append("<style>\n")
        .append(STYLE)
        .append("\n</style>\n</head>\n<body>\n")
        .append("<h1>Energy report: ")
        .append(escape(name))
        .append("</h1>\n");
    if (meta.getString("description") != null) {
      html.append("<p>").append(escape(meta.getString("description"))).append("</p>\n");
    }
    campaignFacts(html, meta, analysis);
    provenance(html, analysis);
    if (meta.getJsonObject("density") != null) {
      density(html, meta.getJsonObject("density"));
    }
    ReportSections.recommendation(html, analysis);
    ranking(html, analysis);
    failures(html, analysis);
    ReportSections.searches(html, analysis);
    ReportSections.curves(html, analysis);
    ReportSections.cost(html, analysis);
    plots(html, analysis);
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static void campaignFacts(
      StringBuilder html, JsonObject meta, CampaignAnalysis analysis) {
    html.append("<dl>\n");
    fact(html, "campaign", meta.getString("campaign_id"));
    fact(html, "started", meta.getString("started_at"));
    fact(html, "finished", meta.getString("finished_at"));
    fact(html, "quality metric", analysis.metric().label());
    JsonObject node = analysis.node();
    if (node != null) {
      fact(html, "CPU", node.getString("cpu_model"));
      Double cpus = Json.number(node, "logical_cpus");
      fact(html, "logical CPUs", cpus == null ? null : String.format(Locale.ROOT, "%.0f", cpus));
      Double memoryMb = Json.number(node, "memory_mb");
      fact(
          html,
          "memory",
          memoryMb == null ? null : String.format(Locale.ROOT, "%.0f MB", memoryMb));
    }
    fact(
        html,
        "FFmpeg",
        analysis.ffmpegVersions().isEmpty() ? null : String.join("; ", analysis.ffmpegVersions()));
    fact(html, "idle baseline", RankingTable.idleBaseline(analysis.idleBaseline()));
    html.append("</dl>\n");
  }

  /** A density campaign: the schedule's table (as in the terminal) and the curve. */
  private static void density(StringBuilder html, JsonObject density) {
    html.append("<h2>Live density</h2>\n<p>")
        .append(escape(density.getString("rule", "")))
        .append("</p>\n<pre>")
        .append(escape(DensityReport.table(density)))
        .append("</pre>\n")
        .append(DensityReport.chart(density))
        .append('\n');
  }

  private static void fact(StringBuilder html, String term, String value) {
    if (value != null) {
      html.append("<dt>")
          .append(escape(term))
          .append("</dt><dd>")
          .append(escape(value))
          .append("</dd>\n");
    }
  }

  private static void provenance(StringBuilder html, CampaignAnalysis analysis) {
    html.append("<h2>Energy provenance</h2>\n<ul>\n");
    List<EnergyProvenance> provenances = analysis.provenances();
    if (provenances.isEmpty()) {
      html.append("<li>No succeeded job reported energy.</li>\n");
    }
    for (EnergyProvenance energy : provenances) {
      String css = energy.isMeasured() ? "" : " class=\"estimated\"";
      html.append("<li")
          .append(css)
          .append('>')
          .append(escape(capitalise(energy.sentence())))
          .append("</li>\n");
    }
    html.append("</ul>\n");
    if (analysis.groups().contains(RankGroup.MEASURED)
        && analysis.groups().contains(RankGroup.ESTIMATED)) {
      html.append(
          "<p>Measured and estimated configurations are ranked in separate tables and never"
              + " compared.</p>\n");
    }
  }

  private static void ranking(StringBuilder html, CampaignAnalysis analysis) {
    List<RankGroup> ranked = rankedGroups(analysis);
    for (RankGroup group : ranked) {
      html.append("<h2>Ranking: energy ").append(escape(group.label())).append("</h2>\n");
      table(html, analysis.inGroup(group));
    }
    if (ranked.isEmpty() && !analysis.failed().isEmpty()) {
      html.append("<h2>Ranking</h2>\n");
      table(html, analysis.failed());
    }
    html.append("<p class=\"legend\">");
    List<String> lines = RankingTable.legendLines(analysis);
    for (int i = 0; i < lines.size(); i++) {
      html.append(i == 0 ? "" : "<br>\n").append(escape(lines.get(i)));
    }
    html.append(" Highlighted rows are on the front.</p>\n");
  }

  private static List<RankGroup> rankedGroups(CampaignAnalysis analysis) {
    List<RankGroup> groups = new ArrayList<>(analysis.groups());
    groups.remove(RankGroup.FAILED);
    return groups;
  }

  private static void table(StringBuilder html, List<ConfigurationSummary> rows) {
    List<String> headers = RankingTable.headers();
    html.append("<table>\n<thead><tr>");
    headers.forEach(header -> html.append("<th>").append(escape(header)).append("</th>"));
    html.append("</tr></thead>\n<tbody>\n");
    for (ConfigurationSummary row : rows) {
      String css =
          row.group() == RankGroup.FAILED
              ? " class=\"failed\""
              : row.paretoFront() ? " class=\"front\"" : "";
      html.append("<tr").append(css).append('>');
      List<String> cells = RankingTable.cells(row);
      for (int i = 0; i < cells.size(); i++) {
        boolean numeric = i == 0 || (i >= 2 && i <= 8);
        html.append(numeric ? "<td class=\"num\">" : "<td>")
            .append(escape(cells.get(i)))
            .append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody>\n</table>\n");
  }

  private static void failures(StringBuilder html, CampaignAnalysis analysis) {
    List<ConfigurationSummary> withFailures =
        analysis.configurations().stream().filter(s -> s.failed() > 0).toList();
    if (withFailures.isEmpty()) {
      return;
    }
    html.append("<h2>Failed runs</h2>\n<ul>\n");
    for (ConfigurationSummary summary : withFailures) {
      int total = summary.failed() + summary.succeeded();
      html.append("<li><code>")
          .append(escape(summary.configKey()))
          .append("</code>: ")
          .append(
              escape(
                  summary.failed()
                      + " of "
                      + total
                      + " runs failed; first error: "
                      + (summary.firstError() == null ? "none recorded" : summary.firstError())))
          .append("</li>\n");
    }
    html.append("</ul>\n");
  }

  private static void plots(StringBuilder html, CampaignAnalysis analysis) {
    List<RankGroup> plotted =
        rankedGroups(analysis).stream().filter(g -> g != RankGroup.NO_ENERGY).toList();
    if (plotted.isEmpty()) {
      return;
    }
    html.append("<h2>Plots</h2>\n");
    for (RankGroup group : plotted) {
      String slug = group.name().toLowerCase(Locale.ROOT);
      List<ConfigurationSummary> rows = analysis.inGroup(group);
      html.append(
              EnergyCharts.joulesPerFrameBars(
                  rows,
                  "Energy per frame, "
                      + group.label()
                      + " (error bars: 95 % CI; orange: Pareto front)",
                  "bars-" + slug))
          .append('\n');
      if (group.hasFront()) {
        html.append(
                EnergyCharts.qualityScatter(
                    rows,
                    analysis.front(group),
                    analysis.metric(),
                    analysis.metric().label() + " against energy per frame, " + group.label(),
                    "scatter-" + slug))
            .append('\n');
        // The three-way front's 2-D projections; the energy–quality one is the plot above.
        List<ConfigurationSummary> front3 = analysis.front3(group);
        html.append(
                EnergyCharts.projection(
                    rows,
                    front3,
                    ConfigurationSummary::bitrateKbpsMean,
                    "bitrate (kbit/s)",
                    s -> s.quality(analysis.metric()),
                    analysis.metric().axisLabel(),
                    analysis.metric().label()
                        + " against bitrate, "
                        + group.label()
                        + " (rings: three-way front)",
                    "bitrate-quality-" + slug))
            .append('\n')
            .append(
                EnergyCharts.projection(
                    rows,
                    front3,
                    ConfigurationSummary::joulesPerFrameMean,
                    "energy per frame (J/frame)",
                    ConfigurationSummary::bitrateKbpsMean,
                    "bitrate (kbit/s)",
                    "Bitrate against energy per frame, "
                        + group.label()
                        + " (rings: three-way front)",
                    "energy-bitrate-" + slug))
            .append('\n');
      }
    }
  }

  private static String capitalise(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** HTML-escapes text for element content and quoted attribute values. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}

package io.ffrtmp.analysis;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ranked table for the terminal. The HTML report uses the same {@link #headers} and {@link
 * #cells} so both show identical figures.
 */
public final class RankingTable {
  /** Marks rows on the Pareto front. */
  public static final String FRONT_MARKER = "★";

  /** Marks rows on the three-way (J/frame, bitrate, quality) front. */
  public static final String FRONT3_MARKER = "◆";

  private static final int CONFIGURATION_MAX_CHARS = 40;
  private static final int JOULES_MAX_CHARS = 48;

  private RankingTable() {}

  public static String render(CampaignAnalysis analysis) {
    StringBuilder out = new StringBuilder();
    List<RankGroup> ranked = new ArrayList<>(analysis.groups());
    ranked.remove(RankGroup.FAILED);
    List<ConfigurationSummary> failed = analysis.failed();
    if (ranked.isEmpty()) {
      out.append(table(failed)).append('\n');
    }
    for (int i = 0; i < ranked.size(); i++) {
      RankGroup group = ranked.get(i);
      List<ConfigurationSummary> rows = new ArrayList<>(analysis.inGroup(group));
      // Failed configurations have no rank in any group; they close the last table so they are
      // seen, not compared.
      if (i == ranked.size() - 1) {
        rows.addAll(failed);
      }
      if (ranked.size() > 1) {
        out.append(heading(group)).append('\n');
      }
      out.append(table(rows)).append('\n');
    }
    out.append(legend(analysis));
    return out.toString();
  }

  private static String heading(RankGroup group) {
    return "Energy " + group.label() + " (ranked separately):";
  }

  private static String table(List<ConfigurationSummary> rows) {
    List<String> headers = headers();
    Column[] columns = new Column[headers.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] =
          new Column()
              .header(headers.get(i))
              .dataAlign(numeric(i) ? HorizontalAlign.RIGHT : HorizontalAlign.LEFT);
    }
    columns[1].maxWidth(CONFIGURATION_MAX_CHARS);
    columns[2].maxWidth(JOULES_MAX_CHARS);
    Object[][] data = rows.stream().map(row -> cells(row).toArray()).toArray(Object[][]::new);
    return AsciiTable.getTable(AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS, columns, data);
  }

  private static boolean numeric(int column) {
    return column == 0 || (column >= 2 && column <= 8);
  }

  /** Column headings, shared with the HTML report. */
  static List<String> headers() {
    return List.of(
        "#",
        "configuration",
        "J/frame (95% CI)",
        "above-idle J/frame",
        "avg W",
        "speed ×",
        "PSNR dB",
        "SSIM",
        "kbps",
        "energy",
        "front",
        "3-way");
  }

  /** One row of text cells, in {@link #headers} order. */
  static List<String> cells(ConfigurationSummary row) {
    if (row.group() == RankGroup.FAILED) {
      List<String> cells = new ArrayList<>();
      cells.add(Format.NONE);
      cells.add(row.configKey());
      cells.add("failed: " + (row.firstError() == null ? "no result" : row.firstError()));
      for (int i = 3; i < 10; i++) {
        cells.add(Format.NONE);
      }
      cells.add("");
      cells.add("");
      return cells;
    }
    return List.of(
        row.rank() == null ? Format.NONE : Integer.toString(row.rank()),
        row.configKey(),
        joules(row),
        Format.significant(row.aboveIdleJoulesPerFrameMean()),
        Format.fixed(row.avgWattsMean(), 1),
        Format.fixed(row.speedMean(), 2),
        Format.fixed(row.psnrMeanDb(), 2),
        Format.fixed(row.ssimMean(), 4),
        Format.fixed(row.bitrateKbpsMean(), 0),
        row.energy() == null ? Format.NONE : row.energy().shortLabel(),
        row.paretoFront() ? FRONT_MARKER : "",
        row.paretoFront3() ? FRONT3_MARKER : "");
  }

  /**
   * Mean ± half-width with its sample size; failed repetitions are counted so a thin sample is
   * visible.
   */
  private static String joules(ConfigurationSummary row) {
    MeanWithInterval jpf = row.joulesPerFrame();
    if (jpf == null) {
      return Format.NONE + (row.failed() > 0 ? " (" + row.failed() + " failed)" : "");
    }
    String spread = jpf.hasInterval() ? " ± " + Format.significant(jpf.ci95HalfWidth()) : "";
    String failed = row.failed() > 0 ? ", " + row.failed() + " failed" : "";
    return Format.significant(jpf.mean()) + spread + " (n=" + jpf.n() + failed + ")";
  }

  /**
   * The lines under the table: marker meaning, quality metric, interval method and idle baseline.
   */
  static List<String> legendLines(CampaignAnalysis analysis) {
    String metric = analysis.metric().label();
    List<String> lines = new ArrayList<>();
    lines.add(
        FRONT_MARKER
            + " = on the energy–"
            + metric
            + " Pareto front of its provenance group: no other"
            + " configuration has lower-or-equal J/frame and higher-or-equal "
            + metric
            + " (one strictly).");
    lines.add(
        FRONT3_MARKER
            + " = on the three-way front (J/frame, kbps, "
            + metric
            + "): no other configuration of its group is at least as good in all three and better"
            + " in one; judged on the means, not the intervals.");
    lines.add(
        "J/frame = mean ± 95 % Student-t half-width over n succeeded repetitions (no interval when"
            + " n = 1).");
    if (analysis.groups().contains(RankGroup.MEASURED)
        && analysis.groups().contains(RankGroup.ESTIMATED)) {
      lines.add("Measured and estimated energy are ranked separately and never compared.");
    }
    lines.add("Idle baseline: " + idleBaseline(analysis.idleBaseline()) + ".");
    return lines;
  }

  static String idleBaseline(JsonObject baseline) {
    Double watts = baseline == null ? null : Json.number(baseline, "avg_watts");
    if (watts == null) {
      return "not recorded";
    }
    StringBuilder text = new StringBuilder(Format.fixed(watts, 2)).append(" W");
    Double stddev = Json.number(baseline, "stddev_watts");
    if (stddev != null) {
      text.append(" (sd ").append(Format.fixed(stddev, 2)).append(" W)");
    }
    List<String> details = new ArrayList<>();
    String provenance = baseline.getString("provenance");
    details.add(provenance == null ? "provenance not recorded" : provenance);
    if (baseline.getString("source") != null) {
      details.add(baseline.getString("source"));
    }
    Double samples = Json.number(baseline, "samples");
    Double durationMs = Json.number(baseline, "duration_ms");
    if (samples != null) {
      String over =
          durationMs == null ? "" : String.format(Locale.ROOT, " over %.1f s", durationMs / 1000);
      details.add(String.format(Locale.ROOT, "%.0f samples", samples) + over);
    }
    return text.append(", ").append(String.join(", ", details)).toString();
  }

  private static String legend(CampaignAnalysis analysis) {
    return String.join("\n", legendLines(analysis)) + "\n";
  }
}

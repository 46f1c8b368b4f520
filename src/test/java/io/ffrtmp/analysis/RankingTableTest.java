package io.ffrtmp.analysis;

import static io.ffrtmp.analysis.Jobs.estimated;
import static io.ffrtmp.analysis.Jobs.failed;
import static io.ffrtmp.analysis.Jobs.measured;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RankingTableTest {
  private static final CampaignAnalysis ANALYSIS =
      CampaignAnalysis.analyse(
          Jobs.campaign(),
          List.of(
              measured("libx264 veryfast", 1, 0.30, 36.0),
              measured("libx264 veryfast", 2, 0.32, 36.0),
              measured("libx264 medium", 1, 0.80, 35.0),
              measured("libx264 slow", 1, 1.10, 40.0),
              failed("libsvtav1 8", 1, "encoder libsvtav1 is not available in this FFmpeg build")),
          QualityMetric.PSNR);

  /**
   * Data rows without headers and without the continuation lines of wrapped cells (blank rank
   * cell).
   */
  private static List<String> tableRows(String rendered) {
    return Arrays.stream(rendered.split("\n"))
        .filter(
            line -> line.startsWith("|") && !line.startsWith("| #") && !line.startsWith("|   |"))
        .collect(Collectors.toList());
  }

  @Test
  void markerIsOnExactlyTheFrontRows() {
    String rendered = RankingTable.render(ANALYSIS);
    Set<String> front =
        ANALYSIS.configurations().stream()
            .filter(ConfigurationSummary::paretoFront)
            .map(ConfigurationSummary::configKey)
            .collect(Collectors.toSet());
    assertThat(front).containsExactlyInAnyOrder("libx264 veryfast", "libx264 slow");
    List<String> rows = tableRows(rendered);
    assertThat(rows).hasSize(4);
    for (String row : rows) {
      boolean isFront = front.stream().anyMatch(row::contains);
      assertThat(row.contains(RankingTable.FRONT_MARKER)).as(row).isEqualTo(isFront);
    }
  }

  @Test
  void showsIntervalSampleSizeFailuresAndLegend() {
    String rendered = RankingTable.render(ANALYSIS);
    assertThat(rendered).contains("0.31 ± ").contains("(n=2)").contains("1.1 (n=1)");
    assertThat(rendered)
        .contains("failed: encoder libsvtav1 is not available in")
        .contains("this FFmpeg build");
    assertThat(rendered).contains("measured: rapl-powercap package-0+dram-0");
    assertThat(rendered)
        .contains("Pareto front")
        .contains("PSNR")
        .contains(
            "Idle baseline: 5.00 W (sd 0.12 W), measured, rapl-powercap, 30 samples over 30.0 s.");
    assertThat(rendered)
        .contains("J/frame (95% CI)")
        .contains("above-idle J/frame")
        .contains("speed ×");
  }

  @Test
  void separateTablesWhenMeasuredAndEstimatedArePresent() {
    CampaignAnalysis analysis =
        CampaignAnalysis.analyse(
            Jobs.campaign(),
            List.of(measured("meas fast", 1, 0.6, 38.0), estimated("est fast", 1, 0.2, 38.0)),
            QualityMetric.PSNR);
    String rendered = RankingTable.render(analysis);
    assertThat(rendered.indexOf("Energy measured"))
        .isLessThan(rendered.indexOf("Energy estimated"));
    assertThat(rendered)
        .contains("estimated: linear-cpu-utilisation 1.48–7.0 W")
        .contains("ranked separately and never compared");
    assertThat(tableRows(rendered).stream().filter(r -> r.contains(RankingTable.FRONT_MARKER)))
        .hasSize(2);
  }
}

package io.ffrtmp.analysis;

import static io.ffrtmp.analysis.Jobs.estimated;
import static io.ffrtmp.analysis.Jobs.failed;
import static io.ffrtmp.analysis.Jobs.measured;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignAnalysisTest {
  private static CampaignAnalysis analyse(List<JsonObject> results) {
    return CampaignAnalysis.analyse(Jobs.campaign(), results, QualityMetric.PSNR);
  }

  private static ConfigurationSummary find(CampaignAnalysis analysis, String key) {
    return analysis.configurations().stream()
        .filter(s -> s.configKey().equals(key))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void groupsRepetitionsAndRanksByJoulesPerFrame() {
    CampaignAnalysis analysis =
        analyse(
            List.of(
                measured("libx264 slow", 1, 1.0, 40.0),
                measured("libx264 veryfast", 1, 0.3, 36.0),
                measured("libx264 slow", 2, 1.2, 40.0),
                measured("libx264 slow", 3, 1.1, 40.0),
                failed("libx264 veryfast", 2, "killed"),
                measured("libx264 medium", 1, 0.8, 35.0)));

    assertThat(analysis.configurations())
        .extracting(ConfigurationSummary::configKey)
        .containsExactly("libx264 veryfast", "libx264 medium", "libx264 slow");
    assertThat(analysis.configurations())
        .extracting(ConfigurationSummary::rank)
        .containsExactly(1, 2, 3);

    ConfigurationSummary slow = find(analysis, "libx264 slow");
    assertThat(slow.succeeded()).isEqualTo(3);
    assertThat(slow.joulesPerFrameMean()).isCloseTo(1.1, within(1e-12));
    assertThat(slow.joulesPerFrame().ci95HalfWidth()).isCloseTo(0.2484, within(1e-4));
    assertThat(slow.psnrMeanDb()).isEqualTo(40.0);
    assertThat(slow.avgWattsMean()).isEqualTo(10.0);
    assertThat(slow.energy().shortLabel()).isEqualTo("measured: rapl-powercap package-0+dram-0");

    ConfigurationSummary veryfast = find(analysis, "libx264 veryfast");
    assertThat(veryfast.succeeded()).isEqualTo(1);
    assertThat(veryfast.failed()).isEqualTo(1);
    assertThat(veryfast.firstError()).isEqualTo("killed");
    assertThat(veryfast.joulesPerFrame().hasInterval()).isFalse();

    // medium costs more than veryfast and gives less PSNR: dominated.
    assertThat(analysis.configurations())
        .extracting(ConfigurationSummary::paretoFront)
        .containsExactly(true, false, true);
  }

  @Test
  void configurationsWithoutSuccessGoLastWithTheirError() {
    CampaignAnalysis analysis =
        analyse(
            List.of(
                failed("libsvtav1 8", 1, "encoder libsvtav1 is not available in this FFmpeg build"),
                measured("libx264 fast", 1, 0.5, 38.0),
                failed("libsvtav1 8", 2, "second error"),
                new JsonObject().put("config_key", "libx265 fast").put("state", "canceled")));

    assertThat(analysis.configurations())
        .extracting(ConfigurationSummary::configKey)
        .containsExactly("libx264 fast", "libsvtav1 8", "libx265 fast");
    ConfigurationSummary av1 = find(analysis, "libsvtav1 8");
    assertThat(av1.group()).isEqualTo(RankGroup.FAILED);
    assertThat(av1.rank()).isNull();
    assertThat(av1.failed()).isEqualTo(2);
    assertThat(av1.firstError())
        .isEqualTo("encoder libsvtav1 is not available in this FFmpeg build");
    assertThat(av1.joulesPerFrame()).isNull();
    assertThat(av1.paretoFront()).isFalse();
    assertThat(av1.config().getString("encoder")).isEqualTo("libsvtav1");
    assertThat(find(analysis, "libx265 fast").firstError()).isEqualTo("canceled");
  }

  @Test
  void measuredGroupComesFirstAndEachGroupHasItsOwnFront() {
    CampaignAnalysis analysis =
        analyse(
            List.of(
                estimated("est ultrafast", 1, 0.05, 34.0),
                measured("meas slow", 1, 1.0, 41.0),
                estimated("est slow", 1, 0.4, 41.0),
                measured("meas fast", 1, 0.6, 38.0),
                measured("meas bad", 1, 2.0, 30.0)));

    assertThat(analysis.groups()).containsExactly(RankGroup.MEASURED, RankGroup.ESTIMATED);
    assertThat(analysis.configurations())
        .extracting(ConfigurationSummary::configKey)
        .containsExactly("meas fast", "meas slow", "meas bad", "est ultrafast", "est slow");
    assertThat(analysis.configurations())
        .extracting(ConfigurationSummary::rank)
        .containsExactly(1, 2, 3, 1, 2);
    // Across groups "est slow" (0.4 J, 41 dB) would dominate "meas fast" and "meas slow"; within
    // groups it must not.
    assertThat(analysis.front(RankGroup.MEASURED))
        .extracting(ConfigurationSummary::configKey)
        .containsExactly("meas fast", "meas slow");
    assertThat(analysis.front(RankGroup.ESTIMATED))
        .extracting(ConfigurationSummary::configKey)
        .containsExactly("est ultrafast", "est slow");
    assertThat(find(analysis, "est ultrafast").energy().shortLabel())
        .isEqualTo("estimated: linear-cpu-utilisation 1.48–7.0 W");
  }

  @Test
  void repetitionsThatDisagreeOnProvenanceAreMixedAndOffTheFront() {
    CampaignAnalysis analysis =
        analyse(
            List.of(
                measured("libx264 slow", 1, 1.0, 41.0),
                estimated("libx264 slow", 2, 0.4, 41.0),
                measured("libx264 fast", 1, 0.6, 38.0)));

    ConfigurationSummary slow = find(analysis, "libx264 slow");
    assertThat(slow.group()).isEqualTo(RankGroup.MIXED);
    assertThat(slow.energy().provenance()).isEqualTo("mixed");
    assertThat(slow.energy().source()).isEqualTo("mixed");
    assertThat(slow.energy().zones()).containsExactly("mixed");
    assertThat(slow.paretoFront()).isFalse();
    assertThat(slow.rank()).isEqualTo(1);
    assertThat(find(analysis, "libx264 fast").paretoFront()).isTrue();
  }

  @Test
  void ssimMetricDrivesTheFront() {
    List<JsonObject> results = List.of(measured("a", 1, 1.0, 40.0), measured("b", 1, 2.0, 41.0));
    CampaignAnalysis analysis =
        CampaignAnalysis.analyse(Jobs.campaign(), results, QualityMetric.SSIM);
    assertThat(analysis.configurations()).allMatch(ConfigurationSummary::paretoFront);
    assertThat(find(analysis, "b").ssimMean()).isCloseTo(0.941, within(1e-9));
    assertThat(QualityMetric.fromCampaign(new JsonObject().put("quality_metric", "ssim")))
        .isEqualTo(QualityMetric.SSIM);
    assertThat(QualityMetric.fromCampaign(new JsonObject())).isEqualTo(QualityMetric.PSNR);
  }
}

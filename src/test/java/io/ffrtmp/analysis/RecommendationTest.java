package io.ffrtmp.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.job.SpecException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecommendationTest {

  /** One measured run of {@code encoder preset} at a CRF, shaped like the worker's result. */
  static JsonObject run(
      String encoder, String preset, int crf, int rep, double jpf, double kbps, double psnr) {
    String key = encoder + " " + keyPreset(preset) + " crf" + crf + " 1280x720p30";
    JsonObject r = Jobs.measured(encoder + " " + preset, rep, jpf, psnr);
    r.put("config_key", key).put("bitrate_kbps", kbps).put("job_id", key + "#" + rep);
    r.getJsonObject("config").put("crf", crf).put("preset", preset);
    r.put("spec", new JsonObject().put("input", new JsonObject().put("type", "synthetic")));
    return r;
  }

  private static String keyPreset(String preset) {
    return Character.isDigit(preset.charAt(0)) ? "p" + preset : preset;
  }

  static List<JsonObject> three(
      String encoder, String preset, int crf, double[] jpf, double kbps, double psnr) {
    List<JsonObject> runs = new ArrayList<>();
    for (int i = 0; i < jpf.length; i++) {
      runs.add(run(encoder, preset, crf, i + 1, jpf[i], kbps, psnr));
    }
    return runs;
  }

  static CampaignAnalysis analyse(List<JsonObject> runs) {
    return CampaignAnalysis.analyse(Jobs.campaign(), runs, QualityMetric.PSNR);
  }

  private static List<JsonObject> clearWinner() {
    List<JsonObject> runs = new ArrayList<>();
    runs.addAll(three("libsvtav1", "10", 33, new double[] {0.060, 0.061, 0.062}, 1850, 41.2));
    runs.addAll(three("libx264", "medium", 23, new double[] {0.098, 0.100, 0.102}, 2400, 40.5));
    runs.addAll(three("libx264", "ultrafast", 23, new double[] {0.030, 0.031, 0.029}, 6700, 38.0));
    return runs;
  }

  @Test
  void aClearWinnerIsNamedWithItsSavingsAgainstTheBaseline() {
    JsonObject r =
        Recommendation.of(
            analyse(clearWinner()),
            QualityTarget.parse("psnr=40", "--target"),
            4000.0,
            "libx264 medium",
            "--baseline");

    assertThat(r.getJsonObject("chosen").getString("config_key"))
        .isEqualTo("libsvtav1 p10 crf33 1280x720p30");
    assertThat(r.getInteger("qualifying")).isEqualTo(2); // ultrafast misses the floor
    JsonObject vsBase = r.getJsonObject("against_baseline");
    JsonObject energy = vsBase.getJsonObject("energy");
    assertThat(energy.getDouble("percent")).isCloseTo(-39.0, within(0.01));
    assertThat(energy.getBoolean("significant")).isTrue();
    assertThat(energy.getDouble("ci95_high")).isLessThan(0);
    assertThat(vsBase.getDouble("bitrate_percent")).isCloseTo((1850 - 2400) / 24.0, within(1e-9));
    String text = r.getString("text");
    assertThat(text)
        .startsWith("At PSNR ≥ 40.0 dB and ≤ 4,000 kbps (1280x720p30, synthetic testsrc2)")
        .contains("cheapest is libsvtav1 preset 10 at CRF 33 — 0.061 J/frame (95 % CI")
        .contains("1,850 kbps")
        .contains("Against libx264 medium 1280x720p30 (baseline): at CRF 23: −39.0 % energy")
        .contains("−22.9 % bitrate")
        .contains("Measured")
        .contains("RAPL powercap zones package-0, dram-0")
        .doesNotContain("no significant difference");
    assertThat(r.getJsonObject("cost").getBoolean("estimated")).isFalse();
  }

  @Test
  void aTieInsideTheNoiseIsSaidToBeOne() {
    List<JsonObject> runs = new ArrayList<>();
    runs.addAll(three("libx264", "medium", 23, new double[] {0.100, 0.104, 0.096}, 2400, 41));
    runs.addAll(three("libx264", "slow", 23, new double[] {0.101, 0.097, 0.105}, 2300, 41.1));
    JsonObject r =
        Recommendation.of(
            analyse(runs), QualityTarget.parse("psnr=40", "target"), null, null, "baseline");

    JsonObject d = r.getJsonObject("runner_up").getJsonObject("energy_vs_chosen");
    assertThat(d.getBoolean("significant")).isFalse();
    assertThat(d.getDouble("ci95_low")).isNegative();
    assertThat(d.getDouble("ci95_high")).isPositive();
    assertThat(r.getString("text"))
        .contains("no significant difference")
        .contains("not distinguishable in energy");
  }

  @Test
  void singleRunsAreNotTested() {
    List<JsonObject> runs = new ArrayList<>();
    runs.add(run("libx264", "medium", 23, 1, 0.10, 2400, 41));
    runs.add(run("libx264", "slow", 23, 1, 0.12, 2300, 41));
    JsonObject r =
        Recommendation.of(
            analyse(runs), QualityTarget.parse("psnr=40", "target"), null, null, "baseline");
    assertThat(
            r.getJsonObject("runner_up").getJsonObject("energy_vs_chosen").getValue("significant"))
        .isNull();
    assertThat(r.getString("text")).contains("single runs: not tested").contains("no interval");
  }

  @Test
  void nothingMeetingTheFloorSaysWhatCameClosest() {
    JsonObject r =
        Recommendation.of(
            analyse(clearWinner()),
            QualityTarget.parse("psnr=45", "target"),
            null,
            "libx264 medium",
            "baseline");
    assertThat(r.getValue("chosen")).isNull();
    assertThat(r.getInteger("qualifying")).isZero();
    assertThat(r.getString("text"))
        .contains("no configuration qualifies")
        .contains("The best PSNR is 41.2 dB (libsvtav1 preset 10 at CRF 33)");
  }

  @Test
  void theBitrateCeilingIsACondition() {
    JsonObject r =
        Recommendation.of(
            analyse(clearWinner()),
            QualityTarget.parse("psnr=37", "target"),
            2000.0,
            null,
            "baseline");
    // ultrafast would be cheapest, but spends 6,700 kbps.
    assertThat(r.getJsonObject("chosen").getString("config_key")).startsWith("libsvtav1");
    assertThat(r.getValue("runner_up")).isNull();
  }

  @Test
  void aBaselineTheCampaignLacksIsRefusedNamingTheField() {
    assertThatThrownBy(
            () ->
                Recommendation.of(
                    analyse(clearWinner()),
                    QualityTarget.parse("psnr=40", "target"),
                    null,
                    "libx265 medium",
                    "--baseline"))
        .isInstanceOf(SpecException.class)
        .hasFieldOrPropertyWithValue("field", "--baseline")
        .hasMessageContaining("'libx265 medium' is not a configuration of this campaign")
        .hasMessageContaining("libx264 medium 1280x720p30");
  }

  @Test
  void aSweepGetsBdFiguresAgainstTheBaselineCurve() {
    List<JsonObject> runs = new ArrayList<>();
    // Baseline: rate doubles every 3 dB; the test curve needs 20 % less rate and 30 % less energy
    // at every quality.
    int[] crfs = {20, 24, 28, 32};
    double[] psnr = {44, 41, 38, 35};
    for (int i = 0; i < 4; i++) {
      double rate = 1000 * Math.pow(2, (psnr[i] - 35) / 3);
      double jpf = 0.05 * Math.pow(1.5, (psnr[i] - 35) / 3);
      runs.add(run("libx264", "medium", crfs[i], 1, jpf, rate, psnr[i]));
      runs.add(run("libsvtav1", "10", crfs[i] + 10, 1, jpf * 0.7, rate * 0.8, psnr[i]));
    }
    CampaignAnalysis a = analyse(runs);
    JsonObject r =
        Recommendation.of(a, QualityTarget.parse("psnr=40", "t"), null, "libx264 medium", "b");
    JsonObject vs = r.getJsonObject("against_baseline");
    assertThat(vs.getJsonObject("bd_rate").getDouble("percent")).isCloseTo(-20, within(1e-6));
    assertThat(vs.getJsonObject("bd_energy").getDouble("percent")).isCloseTo(-30, within(1e-6));
    assertThat(vs.getJsonObject("bd_rate").getDouble("overlap_low")).isEqualTo(35.0);
    assertThat(r.getString("text"))
        .contains("BD-rate −20.0 %, BD-energy −30.0 % over PSNR 35.0–44.0 dB");

    JsonObject curves = a.curves(); // the campaign names no baseline: curves, no BD figures
    assertThat(curves.getValue("baseline")).isNull();
    assertThat(curves.getJsonArray("curves").getJsonObject(1).containsKey("bd_rate")).isFalse();
    JsonObject withBaseline = Jobs.campaign().put("baseline", "libx264 medium");
    JsonObject c = CampaignAnalysis.analyse(withBaseline, runs, QualityMetric.PSNR).curves();
    assertThat(c.getString("fit")).isEqualTo("pchip");
    assertThat(c.getJsonArray("curves")).hasSize(2);
    JsonObject av1 = c.getJsonArray("curves").getJsonObject(0); // ranked order: cheapest first
    assertThat(av1.getString("label")).isEqualTo("libsvtav1 p10 1280x720p30");
    assertThat(av1.getJsonArray("points")).hasSize(4);
    assertThat(av1.getJsonObject("bd_rate").getDouble("percent")).isCloseTo(-20, within(1e-6));
  }

  @Test
  void aSmallOverlapIsFlagged() {
    List<JsonObject> base = new ArrayList<>();
    double[] q1 = {30, 32, 34, 36};
    double[] q2 = {35, 37, 39, 41};
    for (int i = 0; i < 4; i++) {
      base.add(run("libx264", "medium", 20 + i, 1, 0.1 + i * 0.01, 1000 + 300 * i, q1[i]));
      base.add(run("libx265", "medium", 20 + i, 1, 0.2 + i * 0.01, 900 + 300 * i, q2[i]));
    }
    JsonObject r =
        Recommendation.of(analyse(base), QualityTarget.parse("psnr=30", "t"), null, "libx265", "b");
    assertThat(r.getJsonObject("chosen").getString("config_key")).startsWith("libx264 medium");
    JsonObject bd = r.getJsonObject("against_baseline").getJsonObject("bd_rate");
    // Overlap 35–36 dB of the narrower 6 dB range.
    assertThat(bd.getDouble("overlap_fraction")).isCloseTo(1 / 6.0, within(1e-9));
    assertThat(bd.getString("warning")).contains("overlap over only 17 %");
    assertThat(r.getString("text")).contains("(small overlap: indicative only)");
  }

  @Test
  void estimatedEnergyIsLabelledSo() {
    List<JsonObject> runs = new ArrayList<>();
    JsonObject e = Jobs.estimated("libx264 medium", 1, 0.2, 41.0);
    e.put("bitrate_kbps", 2000.0);
    runs.add(e);
    JsonObject r =
        Recommendation.of(analyse(runs), QualityTarget.parse("psnr=40", "t"), null, null, "b");
    assertThat(r.getString("rank_group")).isEqualTo("estimated");
    assertThat(r.getString("text")).contains("Estimated").contains("Estimated cost per hour");
    assertThat(r.getJsonObject("cost").getBoolean("estimated")).isTrue();
  }
}

package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.power.FakePowercap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality-targeted search with real FFmpeg and libx264 on a small synthetic clip, through the
 * master and worker verticles, with energy from a fake powercap tree: the CRF it chooses, the
 * probes it reports, the energy window around the final encode only, and a target out of reach.
 */
class TargetSearchIT {

  static final double WATTS = 30.0;

  @TempDir Path dir;

  WorkerHarness harness;
  FakePowercap.Feeder feeder;

  @BeforeEach
  void up() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir.resolve("powercap"), 1);
    feeder = fake.feeder().start(Map.of("intel-rapl:0", WATTS));
    harness = new WorkerHarness(dir, fake.root(), 100, c -> c);
  }

  @AfterEach
  void down() throws Exception {
    if (feeder != null) {
      feeder.stop();
    }
    if (harness != null) {
      harness.close();
    }
  }

  private List<JsonObject> runCampaign(String campaignJson) throws Exception {
    return harness.run(campaignJson);
  }

  @Test
  void theChosenCrfLandsWithinToleranceInTheProbesItReportsAndOnlyTheFinalEncodeIsMeasured()
      throws Exception {
    List<JsonObject> results =
        runCampaign(
            """
            {"name": "target", "base": {"input": {"duration_s": 2},
              "video": {"resolution": "320x240", "encoder": "libx264", "preset": "veryfast",
                        "target": {"metric": "psnr", "value": 38}},
              "measure": {"quality": ["ssim"]}}}\
            """);
    JsonObject r = results.get(0);
    assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("succeeded");
    assertThat(r.getString("config_key")).isEqualTo("libx264 veryfast crf@psnr38 320x240p30");
    JsonObject s = r.getJsonObject("target_search");
    assertThat(s.getString("metric")).isEqualTo("psnr");
    assertThat(s.getDouble("target")).isEqualTo(38.0);
    assertThat(s.getDouble("tolerance")).isEqualTo(0.5);
    assertThat(s.getString("parameter")).isEqualTo("crf");
    assertThat(s.getString("algorithm")).contains("secant");
    assertThat(s.getString("stopping_rule")).contains("tolerance");
    JsonArray probes = s.getJsonArray("probes");
    assertThat(s.getInteger("probe_count")).isEqualTo(probes.size()).isBetween(1, 6);
    int chosen = s.getInteger("chosen");
    assertThat(chosen).isBetween(0, 51);
    // The chosen CRF is a probed one, and the final encode ran at it.
    JsonObject atChosen = null;
    double wallSum = 0;
    for (int i = 0; i < probes.size(); i++) {
      JsonObject p = probes.getJsonObject(i);
      assertThat(p.getBoolean("sample")).isFalse();
      assertThat(p.getDouble("wall_s")).isPositive();
      wallSum += p.getDouble("wall_s");
      if (p.getInteger("value") == chosen) {
        atChosen = p;
      }
    }
    assertThat(atChosen).as("the chosen crf was probed").isNotNull();
    assertThat(s.getDouble("search_wall_s")).isGreaterThanOrEqualTo(wallSum - 0.01);
    assertThat(s.getDouble("search_cpu_seconds")).isPositive();
    assertThat(r.getJsonArray("command").getList()).containsSubsequence("-crf", "" + chosen);
    // The final encode's own score is what is reported, and it is the probe's (x264 is
    // deterministic on the same frames).
    double finalPsnr = r.getJsonObject("quality").getJsonObject("psnr").getDouble("mean");
    assertThat(s.getDouble("final_score")).isEqualTo(finalPsnr);
    assertThat(finalPsnr).isCloseTo(atChosen.getDouble("score"), within(0.01));
    assertThat(s.getBoolean("reached")).isTrue();
    if ("landed".equals(s.getString("stop"))) {
      assertThat(finalPsnr).isCloseTo(38.0, within(0.5));
    } else {
      assertThat(s.getString("stop")).isEqualTo("bracket_closed");
      assertThat(finalPsnr).isGreaterThanOrEqualTo(38.0);
    }
    // The target's metric was added to the quality pass the spec asked for.
    assertThat(r.getJsonObject("quality").getJsonObject("ssim").getDouble("mean")).isPositive();
    // The energy window is the final encode's only: the probes ran before it opened.
    double windowS = r.getJsonObject("energy").getLong("duration_ms") / 1000.0;
    assertThat(windowS).isLessThan(r.getDouble("wall_s") + 0.5);
    assertThat(s.getDouble("search_wall_s")).isGreaterThan(r.getDouble("wall_s"));
    assertThat(r.getJsonObject("energy").getDouble("total_joules"))
        .isLessThan(WATTS * (windowS + 0.5));
  }

  @Test
  void aRepeatOnTheSameWorkerStartsFromTheEarlierProbesOfItsCurve() throws Exception {
    List<JsonObject> results =
        runCampaign(
            """
            {"name": "again", "repeat": 2, "base": {"input": {"duration_s": 1},
              "video": {"resolution": "320x240", "encoder": "libx264", "preset": "veryfast",
                        "target": {"metric": "psnr", "value": 41}},
              "measure": {"quality": []}}}\
            """);
    assertThat(results).hasSize(2);
    JsonObject cold = null;
    JsonObject warm = null;
    for (JsonObject r : results) {
      assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("succeeded");
      JsonObject s = r.getJsonObject("target_search");
      if ("default".equals(s.getString("first_probe"))) {
        cold = s;
      } else {
        warm = s;
      }
    }
    assertThat(cold).as("the first search starts at the default crf").isNotNull();
    assertThat(warm).as("the repeat is hinted").isNotNull();
    assertThat(cold.getInteger("hints")).isZero();
    assertThat(cold.getJsonArray("probes").getJsonObject(0).getInteger("value")).isEqualTo(23);
    assertThat(warm.getString("first_probe")).contains("earlier probes of this curve");
    assertThat(warm.getInteger("hints")).isEqualTo(cold.getInteger("probe_count"));
    // It measures its own probes and ends on the same crf, in no more probes.
    assertThat(warm.getInteger("chosen")).isEqualTo(cold.getInteger("chosen"));
    assertThat(warm.getInteger("probe_count")).isBetween(1, cold.getInteger("probe_count"));
  }

  @Test
  void aTargetOutOfTheEncodersReachFailsWithTheBestScoreAndTheProbes() throws Exception {
    // x265's crf 0 is not lossless (x264's is, and scores the capped 100 dB).
    List<JsonObject> results =
        runCampaign(
            """
            {"name": "unreachable", "base": {"input": {"duration_s": 1},
              "video": {"resolution": "320x240", "encoder": "libx265", "preset": "ultrafast",
                        "target": {"metric": "psnr", "value": 99.5}},
              "measure": {"quality": []}}}\
            """);
    JsonObject r = results.get(0);
    assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("failed");
    assertThat(r.getString("error_code")).isEqualTo("target_unreachable");
    assertThat(r.getString("error"))
        .matches("cannot reach psnr 99\\.5 dB: best is [0-9.]+ dB at crf 0 .*");
    JsonObject s = r.getJsonObject("target_search");
    assertThat(s.getBoolean("reached")).isFalse();
    assertThat(s.getValue("chosen")).isNull();
    assertThat(s.getJsonArray("probes").stream().map(p -> ((JsonObject) p).getInteger("value")))
        .contains(0);
    // Nothing was measured: no energy figure for a job that never had its encode.
    assertThat(r.getValue("energy")).isNull();
  }

  @Test
  void aSearchOnASampleIsVerifiedOnTheWholeEncode() throws Exception {
    List<JsonObject> results =
        runCampaign(
            """
            {"name": "sampled", "base": {"input": {"duration_s": 2},
              "video": {"resolution": "320x240", "encoder": "libx264", "preset": "ultrafast",
                        "target": {"metric": "ssim", "value": 0.97, "sample_s": 0.5}},
              "measure": {"quality": []}}}\
            """);
    JsonObject r = results.get(0);
    assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("succeeded");
    JsonObject s = r.getJsonObject("target_search");
    assertThat(s.getBoolean("sampled")).isTrue();
    assertThat(s.getJsonArray("probes").stream().map(p -> ((JsonObject) p).getBoolean("sample")))
        .containsOnly(true);
    assertThat(r.getLong("frames")).isEqualTo(60); // the whole 2 s were encoded and measured
    double finalSsim = r.getJsonObject("quality").getJsonObject("ssim").getDouble("mean");
    assertThat(s.getDouble("final_score")).isEqualTo(finalSsim);
    assertThat(s.getBoolean("reached")).isEqualTo(finalSsim >= 0.97 - 0.005);
    assertThat(s.getString("verdict")).contains("scores");
  }
}

package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code video.target}: what is accepted, its defaults, and every refusal naming its field. */
class TargetSpecTest {

  private static JobSpec spec(String json) {
    return JobSpec.fromJson(new JsonObject(json));
  }

  private static SpecException rejected(String json) {
    try {
      spec(json);
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  private static String withTarget(String target) {
    return "{\"video\": {\"encoder\": \"libx264\", \"target\": " + target + "}}";
  }

  @Test
  void aTargetReplacesTheCrfAndGetsTheMetricsDefaultTolerance() {
    JobSpec s = spec(withTarget("{\"metric\": \"psnr\", \"value\": 40}"));
    assertThat(s.video().crf()).isNull();
    assertThat(s.video().target().metric()).isEqualTo(JobSpec.QualityMetric.PSNR);
    assertThat(s.video().target().value()).isEqualTo(40.0);
    assertThat(s.video().target().tolerance()).isEqualTo(0.5);
    assertThat(s.video().target().sampleS()).isNull();
    assertThat(s.configKey()).isEqualTo("libx264 medium crf@psnr40 1280x720p30");
    assertThat(spec(withTarget("{\"metric\": \"ssim\", \"value\": 0.98}")).video().target())
        .extracting(JobSpec.Target::tolerance)
        .isEqualTo(0.005);
    assertThat(spec(withTarget("{\"metric\": \"vmaf\", \"value\": 93}")).video().target())
        .extracting(JobSpec.Target::tolerance)
        .isEqualTo(1.0);
  }

  @Test
  void theCanonicalFormParsesBackToTheSameSpec() {
    JobSpec s =
        spec(
            "{\"video\": {\"encoder\": \"libsvtav1\", \"preset\": \"10\", \"rate_control\":"
                + " \"vbr\", \"target\": {\"metric\": \"ssim\", \"value\": 0.97, \"tolerance\":"
                + " 0.002, \"sample_s\": 3}}}");
    assertThat(JobSpec.fromJson(s.toJson())).isEqualTo(s);
    assertThat(s.video().bitrateKbps()).isNull();
    assertThat(s.configKey()).isEqualTo("libsvtav1 p10 vbr@ssim0.97 tol0.002 sample3s 1280x720p30");
    assertThat(s.configJson().getJsonObject("target").getString("metric")).isEqualTo("ssim");
  }

  @Test
  void theTargetsMetricJoinsTheQualityPassWhenLeftOut() {
    JobSpec s =
        spec(
            "{\"video\": {\"target\": {\"metric\": \"psnr\", \"value\": 40}},"
                + " \"measure\": {\"quality\": [\"ssim\"]}}");
    assertThat(s.measure().quality())
        .containsExactly(JobSpec.QualityMetric.SSIM, JobSpec.QualityMetric.PSNR);
    JobSpec none =
        spec(
            "{\"video\": {\"target\": {\"metric\": \"ssim\", \"value\": 0.9}},"
                + " \"measure\": {\"quality\": []}}");
    assertThat(none.measure().quality()).containsExactly(JobSpec.QualityMetric.SSIM);
  }

  @Test
  void theSearchedSpecHasTheChosenValueAndNoTarget() {
    JobSpec crf = spec(withTarget("{\"metric\": \"psnr\", \"value\": 40}")).searched(31);
    assertThat(crf.video().crf()).isEqualTo(31);
    assertThat(crf.video().target()).isNull();
    assertThat(JobSpec.fromJson(crf.toJson()).video().crf()).isEqualTo(31);
    JobSpec cbr =
        spec("{\"video\": {\"rate_control\": \"cbr\", \"target\": {\"metric\": \"psnr\", \"value\":"
                + " 40}}}")
            .searched(2500);
    assertThat(cbr.video().bitrateKbps()).isEqualTo(2500);
    assertThat(cbr.video().crf()).isNull();
  }

  @Test
  void anUnknownMetricIsRefusedWithTheAcceptedOnes() {
    SpecException e = rejected(withTarget("{\"metric\": \"vmav\", \"value\": 90}"));
    assertThat(e.field()).isEqualTo("video.target.metric");
    assertThat(e.getMessage()).isEqualTo("unknown metric 'vmav'; accepted: psnr, ssim, vmaf");
    assertThat(rejected(withTarget("{\"value\": 90}")).field()).isEqualTo("video.target.metric");
  }

  @Test
  void aValueOutOfTheMetricsRangeIsRefused() {
    SpecException psnr = rejected(withTarget("{\"metric\": \"psnr\", \"value\": 120}"));
    assertThat(psnr.field()).isEqualTo("video.target.value");
    assertThat(psnr.getMessage()).isEqualTo("120 is out of range for psnr; accepted: 10 to 100 dB");
    assertThat(rejected(withTarget("{\"metric\": \"psnr\", \"value\": 5}")).field())
        .isEqualTo("video.target.value");
    assertThat(rejected(withTarget("{\"metric\": \"ssim\", \"value\": 40}")).getMessage())
        .isEqualTo("40 is out of range for ssim; accepted: 0 to 1");
    assertThat(rejected(withTarget("{\"metric\": \"vmaf\", \"value\": -1}")).getMessage())
        .isEqualTo("-1 is out of range for vmaf; accepted: 0 to 100");
    assertThat(rejected(withTarget("{\"metric\": \"vmaf\"}")).field())
        .isEqualTo("video.target.value");
    assertThat(rejected(withTarget("{\"metric\": \"psnr\", \"value\": \"40\"}")).field())
        .isEqualTo("video.target.value");
  }

  @Test
  void toleranceAndSampleAreChecked() {
    SpecException tol =
        rejected(withTarget("{\"metric\": \"psnr\", \"value\": 40, \"tolerance\": 0}"));
    assertThat(tol.field()).isEqualTo("video.target.tolerance");
    assertThat(tol.getMessage()).contains("accepted: more than 0, at most 5");
    SpecException sample =
        rejected(withTarget("{\"metric\": \"psnr\", \"value\": 40, \"sample_s\": 0.01}"));
    assertThat(sample.field()).isEqualTo("video.target.sample_s");
    assertThat(sample.getMessage()).contains("at least one frame");
    assertThat(
            rejected(withTarget("{\"metric\": \"psnr\", \"value\": 40, \"samples\": 2}")).field())
        .isEqualTo("video.target.samples");
  }

  @Test
  void aTargetBesideTheValueItChoosesIsRefused() {
    SpecException crf =
        rejected("{\"video\": {\"crf\": 23, \"target\": {\"metric\": \"psnr\", \"value\": 40}}}");
    assertThat(crf.field()).isEqualTo("video.target");
    assertThat(crf.getMessage()).contains("video.crf").contains("the search chooses the crf");
    SpecException bitrate =
        rejected(
            "{\"video\": {\"rate_control\": \"cbr\", \"bitrate\": \"2M\", \"target\":"
                + " {\"metric\": \"psnr\", \"value\": 40}}}");
    assertThat(bitrate.field()).isEqualTo("video.target");
    assertThat(bitrate.getMessage()).contains("the search chooses the bitrate");
    assertThat(
            rejected(
                    "{\"video\": {\"rate_control\": \"vbr\", \"max_bitrate\": \"4M\", \"target\":"
                        + " {\"metric\": \"psnr\", \"value\": 40}}}")
                .getMessage())
        .contains("video.max_bitrate");
  }

  @Test
  void liveJobsAndLaddersAreRefused() {
    SpecException live =
        rejected(
            "{\"scenario\": \"live-720p30-h264\", \"video\": {\"target\": {\"metric\": \"psnr\","
                + " \"value\": 40}}}");
    assertThat(live.field()).isEqualTo("video.target");
    assertThat(live.getMessage()).contains("live job");
    SpecException ladder =
        rejected(
            "{\"video\": {\"target\": {\"metric\": \"psnr\", \"value\": 40}}, \"renditions\":"
                + " [{\"name\": \"a\", \"resolution\": \"640x360\", \"bitrate\": \"1M\"}]}");
    assertThat(ladder.field()).isEqualTo("video.target");
    assertThat(ladder.getMessage()).contains("ladder");
  }

  @Test
  void aCampaignCanSweepTargets() {
    Campaign c =
        Campaign.parse(
            new JsonObject(
                "{\"base\": {\"video\": {\"encoder\": \"libx264\", \"preset\": \"veryfast\","
                    + " \"target\": {\"metric\": \"psnr\"}}}, \"axes\": {\"video.target.value\":"
                    + " [38, 42]}}"),
            "sweep");
    assertThat(c.configurations())
        .extracting(Campaign.Configuration::key)
        .containsExactly(
            "libx264 veryfast crf@psnr38 1280x720p30", "libx264 veryfast crf@psnr42 1280x720p30");
  }
}

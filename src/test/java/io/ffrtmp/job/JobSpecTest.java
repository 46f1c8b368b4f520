package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobSpecTest {

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

  @Test
  void emptySpecGetsDocumentedDefaults() {
    JobSpec s = spec("{}");
    assertThat(s.video().encoder()).isEqualTo(Encoder.LIBX264);
    assertThat(s.video().preset()).isEqualTo("medium");
    assertThat(s.video().crf()).isEqualTo(23);
    assertThat(s.video().resolution()).isEqualTo(new Resolution(1280, 720));
    assertThat(s.video().fps()).isEqualTo(30);
    assertThat(s.video().gop()).isEqualTo(60);
    assertThat(s.input().durationS()).isEqualTo(10);
    assertThat(s.input().frames()).isEqualTo(300);
    assertThat(s.queue()).isEqualTo(JobSpec.Queue.DEFAULT);
    assertThat(s.priority()).isEqualTo(JobSpec.Priority.MEDIUM);
    assertThat(s.measure().quality())
        .containsExactly(JobSpec.QualityMetric.PSNR, JobSpec.QualityMetric.SSIM);
  }

  @Test
  void scenarioExpandsIntoResolutionFpsAndCodec() {
    JobSpec s = spec("{\"scenario\": \"4K60-h265\"}");
    assertThat(s.video().resolution()).isEqualTo(new Resolution(3840, 2160));
    assertThat(s.video().fps()).isEqualTo(60);
    assertThat(s.video().codec()).isEqualTo(Codec.HEVC);
    assertThat(s.video().encoder()).isEqualTo(Encoder.LIBX265);
    assertThat(s.input().resolution()).isEqualTo(new Resolution(3840, 2160));
    assertThat(s.video().gop()).isEqualTo(120);
  }

  @Test
  void explicitFieldsOverrideTheScenario() {
    JobSpec s =
        spec(
            "{\"scenario\": \"1080p-h264\", \"video\": {\"resolution\": \"640x360\", \"encoder\":"
                + " \"libx264\"}}");
    assertThat(s.video().resolution()).isEqualTo(new Resolution(640, 360));
    assertThat(s.video().fps()).isEqualTo(30);
  }

  @Test
  void scenarioThatIsNotOneNamesTheForm() {
    SpecException e = rejected("{\"scenario\": \"huge-h264\"}");
    assertThat(e.field()).isEqualTo("scenario");
    assertThat(e.getMessage()).contains("accepted").contains("720p30-h264");
    assertThat(rejected("{\"scenario\": \"1080p-mpeg2\"}").getMessage()).contains("mpeg2");
  }

  @Test
  void unknownFieldIsNamedWithWhatIsAccepted() {
    SpecException e = rejected("{\"video\": {\"encoder\": \"libx264\", \"bitrat\": \"2M\"}}");
    assertThat(e.field()).isEqualTo("video.bitrat");
    assertThat(e.getMessage()).contains("unknown field").contains("accepted").contains("bitrate");
  }

  @Test
  void wrongTypeIsNamed() {
    SpecException e = rejected("{\"video\": {\"crf\": \"high\"}}");
    assertThat(e.field()).isEqualTo("video.crf");
    assertThat(e.getMessage()).contains("type");
  }

  @Test
  void impossibleValuesAreRejectedWithTheRange() {
    assertThat(rejected("{\"input\": {\"duration_s\": -1}}").field()).isEqualTo("input.duration_s");
    assertThat(rejected("{\"video\": {\"resolution\": \"abc\"}}").getMessage())
        .contains("'abc'")
        .contains("1280x720");
    assertThat(rejected("{\"video\": {\"resolution\": \"1281x720\"}}").field())
        .isEqualTo("video.resolution");
    assertThat(rejected("{\"video\": {\"crf\": 70}}").getMessage()).contains("0 to 51");
    assertThat(rejected("{\"video\": {\"fps\": 0}}").field()).isEqualTo("video.fps");
    assertThat(rejected("{\"queue\": \"urgent\"}").getMessage()).contains("live, default, batch");
  }

  @Test
  void unknownEncoderListsTheKnownOnes() {
    SpecException e = rejected("{\"video\": {\"encoder\": \"x264-turbo\"}}");
    assertThat(e.field()).isEqualTo("video.encoder");
    assertThat(e.getMessage()).contains("libx264").contains("libsvtav1").contains("auto");
  }

  @Test
  void encoderMustMatchCodec() {
    SpecException e = rejected("{\"video\": {\"codec\": \"av1\", \"encoder\": \"libx264\"}}");
    assertThat(e.field()).isEqualTo("video.encoder");
    assertThat(e.getMessage()).contains("libsvtav1");
  }

  @Test
  void presetsAreCheckedPerEncoder() {
    assertThat(spec("{\"video\": {\"encoder\": \"libsvtav1\", \"preset\": 8}}").video().preset())
        .isEqualTo("8");
    SpecException e = rejected("{\"video\": {\"encoder\": \"libx264\", \"preset\": \"fastest\"}}");
    assertThat(e.field()).isEqualTo("video.preset");
    assertThat(e.getMessage()).contains("ultrafast").contains("veryslow");
    assertThat(
            rejected("{\"video\": {\"encoder\": \"libsvtav1\", \"preset\": \"medium\"}}")
                .getMessage())
        .contains("0, 1, 2");
  }

  @Test
  void rateControlNeedsItsOwnFields() {
    JobSpec cbr = spec("{\"video\": {\"rate_control\": \"cbr\", \"bitrate\": \"2.5M\"}}");
    assertThat(cbr.video().bitrateKbps()).isEqualTo(2500);
    assertThat(cbr.video().crf()).isNull();
    assertThat(rejected("{\"video\": {\"rate_control\": \"vbr\"}}").field())
        .isEqualTo("video.bitrate");
    assertThat(rejected("{\"video\": {\"bitrate\": \"2M\"}}").field()).isEqualTo("video.bitrate");
    assertThat(
            rejected(
                    "{\"video\": {\"rate_control\": \"vbr\", \"bitrate\": \"2M\", \"max_bitrate\":"
                        + " \"1M\"}}")
                .field())
        .isEqualTo("video.max_bitrate");
    assertThat(
            rejected("{\"video\": {\"rate_control\": \"cbr\", \"bitrate\": \"lots\"}}")
                .getMessage())
        .contains("800k");
  }

  @Test
  void canonicalJsonRoundTrips() {
    JobSpec s =
        spec(
            "{\"scenario\": \"1080p60-av1\", \"video\": {\"encoder\": \"libsvtav1\", \"preset\":"
                + " 12, \"crf\": 40}, \"queue\": \"batch\"}");
    JobSpec again = JobSpec.fromJson(s.toJson());
    assertThat(again).isEqualTo(s);
    assertThat(s.configKey()).isEqualTo("libsvtav1 p12 crf40 1920x1080p60");
  }

  @Test
  void aLongInputGetsTheLongestTimeoutAndStillRoundTrips() {
    JobSpec s = spec("{\"input\": {\"duration_s\": 20000}}");
    assertThat(s.timeoutS()).isEqualTo(604_800);
    assertThat(JobSpec.fromJson(s.toJson())).isEqualTo(s);
  }

  @Test
  void autoEncoderPicksTheNodesWorkingHardwareEncoder() {
    JobSpec auto = spec("{\"scenario\": \"1080p30-h264\"}");
    assertThat(auto.video().encoderAuto()).isTrue();
    assertThat(auto.configKey()).isEqualTo("auto-h264 crf23 1920x1080p30");
    assertThat(JobSpec.fromJson(auto.toJson())).isEqualTo(auto);

    JobSpec onGpuNode =
        auto.forNode(Set.of(Encoder.H264_VAAPI, Encoder.H264_NVENC, Encoder.HEVC_NVENC));
    assertThat(onGpuNode.video().encoder()).isEqualTo(Encoder.H264_NVENC);
    assertThat(onGpuNode.video().preset()).isEqualTo("p4");
    assertThat(onGpuNode.video().crf()).isEqualTo(23);
    assertThat(auto.forNode(Set.of(Encoder.H264_VAAPI)).video().encoder())
        .isEqualTo(Encoder.H264_VAAPI);
    assertThat(auto.forNode(Set.of(Encoder.HEVC_NVENC)).video().encoder())
        .isEqualTo(Encoder.LIBX264);
    assertThat(auto.forNode(Set.of())).isSameAs(auto);
  }

  @Test
  void autoWithASoftwarePresetOrANamedEncoderStaysAsWritten() {
    JobSpec withPreset = spec("{\"video\": {\"encoder\": \"auto\", \"preset\": \"veryfast\"}}");
    assertThat(withPreset.forNode(Set.of(Encoder.H264_NVENC)).video().encoder())
        .isEqualTo(Encoder.LIBX264);
    JobSpec named = spec("{\"video\": {\"encoder\": \"libx264\"}}");
    assertThat(named.forNode(Set.of(Encoder.H264_NVENC))).isSameAs(named);
  }

  @Test
  void fileInputsArePathsInsideAMediaRootAndNothingElse() {
    JobSpec f =
        spec("{\"input\": {\"type\": \"file\", \"path\": \"clips/talk.mp4\", \"duration_s\": 30}}");
    assertThat(f.input().isFile()).isTrue();
    assertThat(f.input().path()).isEqualTo("clips/talk.mp4");
    assertThat(JobSpec.fromJson(f.toJson())).isEqualTo(f);
    for (String bad :
        new String[] {"../../etc/passwd", "/etc/passwd", "clips/../../x", "a\\u0000b", " "}) {
      SpecException e = rejected("{\"input\": {\"type\": \"file\", \"path\": \"" + bad + "\"}}");
      assertThat(e.field()).as(bad).isEqualTo("input.path");
      assertThat(e.getMessage()).contains("relative to a media root");
    }
    assertThat(rejected("{\"input\": {\"type\": \"file\"}}").field()).isEqualTo("input.path");
    assertThat(
            rejected(
                    "{\"input\": {\"type\": \"file\", \"path\": \"a.mp4\", \"resolution\":"
                        + " \"720p\"}}")
                .field())
        .isEqualTo("input.resolution");
    assertThat(rejected("{\"input\": {\"path\": \"a.mp4\"}}").field()).isEqualTo("input.path");
  }
}
